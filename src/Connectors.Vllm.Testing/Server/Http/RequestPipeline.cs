using System.IO;

namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>
/// The first middleware: records every request, attaches its <see cref="RequestState"/>, turns exceptions into vLLM's
/// error bodies and counts client aborts.
/// </summary>
internal sealed class RequestPipeline
{
    private readonly ServerState _server;

    public RequestPipeline(ServerState server) => _server = server;

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var state = await StartAsync(ctx).ConfigureAwait(false);

        HttpOut.RecordStatusWhenStarting(ctx.Response, state.Record.SetStatus); // the finally below covers answers that never started
        _server.EnterRequest();
        using var registration = ctx.RequestAborted.Register(static s =>
        {
            var (pipeline, request) = ((RequestPipeline, RequestState))s!;
            pipeline.OnAborted(request);
        }, (this, state));
        try
        {
            var faultHeader = ctx.Request.Headers[VllmTestFault.HeaderName].ToString();
            if (faultHeader.Length > 0 && state.HeaderFault is null)
            {
                // A typo in a test's fault header must not silently test the happy path.
                throw new VllmProblem(400, "BadRequestError", $"[test server] Unknown {VllmTestFault.HeaderName} value '{faultHeader}'.", VllmTestFault.HeaderName);
            }

            await next(ctx).ConfigureAwait(false);
            state.Completed = true;
        }
        catch (Exception e) when (!ctx.Response.HasStarted || IsAbort(e, state))
        {
            await AnswerAsync(state, e).ConfigureAwait(false);
        }
        finally
        {
            state.Record.SetStatus(ctx.Response.StatusCode);
            _server.LeaveRequest();
        }
    }

    private async Task<RequestState> StartAsync(HttpContext ctx)
    {
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
        {
            headers[h.Key] = h.Value.ToString();
        }

        var record = new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.QueryString.Value ?? string.Empty, headers, body);
        _server.Record(record);
        VllmTestFault.TryParse(ctx.Request.Headers[VllmTestFault.HeaderName].ToString(), out var headerFault);
        var state = new RequestState(ctx, record, body, headerFault);
        ctx.Features.Set(state);
        return state;
    }

    private static bool IsAbort(Exception e, RequestState state) =>
        e is OperationCanceledException or IOException && (state.Context.RequestAborted.IsCancellationRequested || state.ServerClosed);

    /// <summary>Answers a failed request: vLLM's error body, or nothing when the client is gone.</summary>
    private async Task AnswerAsync(RequestState state, Exception e)
    {
        var ctx = state.Context;
        if (IsAbort(e, state))
        {
            // Token callbacks run in reverse registration order and may run after this handler has finished,
            // so count the abort here too (OnAborted is idempotent).
            OnAborted(state);
            return;
        }

        switch (e)
        {
            case VllmProblem p:
                await HttpOut.WriteProblemAsync(ctx, _server.Version, p).ConfigureAwait(false);
                break;
            case InvalidOperationException or FormatException or OverflowException:
                // A JSON shape the checks did not anticipate (e.g. an object where a string belongs): pydantic would
                // reject it with 400 "Bad Request", so do the same rather than fail with a 500.
                await HttpOut.WriteErrorAsync(ctx, _server.Version, 400, "Bad Request", "1 validation error:\n  [test server] request shape not understood: " + e.Message, null).ConfigureAwait(false);
                break;
            default:
                await HttpOut.WriteErrorAsync(ctx, _server.Version, 500, "InternalServerError", "[test server bug] " + e.GetType().Name + ": " + e.Message, null).ConfigureAwait(false);
                break;
        }
    }

    private void OnAborted(RequestState state)
    {
        if (state.Completed || state.ServerClosed || !state.Context.RequestAborted.IsCancellationRequested || !state.Record.MarkAborted())
        {
            return;
        }

        _server.CountAborted();
        _server.OnAborted(state.Record);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        try
        {
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Record what arrived.
        }

        return ms.ToArray();
    }
}
