namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>
/// One route of the test server: the method and paths it answers (mapped by <see cref="RouteMap"/>, so other spellings
/// and methods get FastAPI's 404 and 405) and its handler.
/// </summary>
/// <param name="server">The server's shared state.</param>
/// <param name="method">The HTTP method.</param>
/// <param name="paths">The route pattern first, then other spellings that reach it (such as a trailing slash).</param>
internal abstract class ServerRoute(ServerState server, string method, params string[] paths)
{
    /// <summary>The server's shared state: options, models, tokenizer, faults and counters.</summary>
    protected ServerState Server { get; } = server;

    /// <summary>Adds the route to <paramref name="routes"/>.</summary>
    public virtual void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { method }, paths, HandleAsync);

    /// <summary>Answers one request.</summary>
    protected abstract Task HandleAsync(RequestState request);
}
