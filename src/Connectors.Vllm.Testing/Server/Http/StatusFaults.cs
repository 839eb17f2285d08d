namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>The 429 / 503 / 500 faults: answered on any <c>/v1/</c> path, after authentication and before routing.</summary>
internal sealed class StatusFaults
{
    private readonly ServerState _server;

    public StatusFaults(ServerState server) => _server = server;

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        if ((ctx.Request.Path.Value ?? "/").StartsWith("/v1/", StringComparison.Ordinal)
            && _server.TakeFault(RequestState.Of(ctx), k => k is VllmTestFaultKind.TooManyRequests or VllmTestFaultKind.ServiceUnavailable or VllmTestFaultKind.InternalError) is { } fault)
        {
            await WriteAsync(ctx, fault).ConfigureAwait(false);
            return;
        }

        await next(ctx).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext ctx, VllmTestFault fault)
    {
        var seconds = (fault.Parameter ?? 1).ToString(CultureInfo.InvariantCulture);
        switch (fault.Kind)
        {
            case VllmTestFaultKind.TooManyRequests:
                ctx.Response.Headers.RetryAfter = seconds;
                await HttpOut.WriteErrorAsync(ctx, _server.Version, 429, "TooManyRequests", "[test server fault] Too many requests; retry later.", null).ConfigureAwait(false);
                break;
            case VllmTestFaultKind.ServiceUnavailable:
                ctx.Response.Headers.RetryAfter = seconds;
                await HttpOut.WriteJsonAsync(ctx, 503, "{\"error\":\"The model is currently scaling. Please try again later.\"}"u8.ToArray()).ConfigureAwait(false);
                break;
            default:
                await HttpOut.WriteErrorAsync(ctx, _server.Version, 500, "InternalServerError", "Internal server error", null).ConfigureAwait(false);
                break;
        }
    }
}
