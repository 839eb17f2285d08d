
namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>Maps a route the way vLLM's FastAPI app answers it: exact, case-sensitive paths and a 405 body for other methods.</summary>
internal static class RouteMap
{
    /// <summary>
    /// Maps <paramref name="handler"/> for <paramref name="methods"/> on <paramref name="paths"/> (the first is the route
    /// pattern, the others are spellings that reach it too, such as a trailing slash). Other spellings ASP.NET Core would
    /// match (case, trailing slash) get FastAPI's 404; other methods get its 405.
    /// </summary>
    public static void Map(IEndpointRouteBuilder routes, string[] methods, string[] paths, Func<RequestState, Task> handler)
    {
        foreach (var pattern in paths.Where(p => !p.EndsWith('/')))
        {
            routes.MapMethods(pattern, methods, ctx => IsExact(ctx, paths) ? handler(RequestState.Of(ctx)) : HttpOut.NotFoundAsync(ctx));

            // Any other method on the same path: lower priority than the endpoint above.
            routes.Map(pattern, ctx => IsExact(ctx, paths) ? HttpOut.MethodNotAllowedAsync(ctx) : HttpOut.NotFoundAsync(ctx)).WithOrder(1);
        }
    }

    private static bool IsExact(HttpContext ctx, string[] paths) => paths.Contains(ctx.Request.Path.Value ?? "/", StringComparer.Ordinal);
}
