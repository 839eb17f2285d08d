using System.Security.Cryptography;

namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>
/// vLLM's <c>--api-key</c>: a middleware before routing (as vLLM's AuthenticationMiddleware), so an unknown guarded path
/// without the key is 401, not 404.
/// </summary>
internal sealed class ApiKeyGuard
{
    private readonly ServerState _server;

    public ApiKeyGuard(ServerState server) => _server = server;

    public Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (_server.Options.ApiKey is { Length: > 0 } key && !HttpMethods.IsOptions(ctx.Request.Method) && IsGuarded(path) && !IsAuthorized(ctx, key))
        {
            return HttpOut.WriteJsonAsync(ctx, 401, "{\"error\":\"Unauthorized\"}"u8.ToArray());
        }

        return next(ctx);
    }

    private bool IsGuarded(string path)
    {
        // Python str.startswith on the raw path, exactly like vLLM's GUARDED_PREFIX check.
        if (path.StartsWith("/v1", StringComparison.Ordinal))
        {
            return true;
        }

        var version = _server.Version;
        if (version.GuardsV2 && (path.StartsWith("/v2", StringComparison.Ordinal) || path.StartsWith("/inference", StringComparison.Ordinal)))
        {
            return true;
        }

        return version.GuardsCohere && path.StartsWith("/cohere", StringComparison.Ordinal);
    }

    private static bool IsAuthorized(HttpContext ctx, string key)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !string.Equals(header[..space], "bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[(space + 1)..]));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
