namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /health and GET|POST /ping: 200 with an empty body, or 503 under the <c>health-loading</c> fault.</summary>
internal sealed class HealthRoute(ServerState server) : ServerRoute(server, "GET", "/health")
{
    /// <summary>Adds GET /health and GET|POST /ping.</summary>
    public override void Map(IEndpointRouteBuilder routes)
    {
        base.Map(routes);
        RouteMap.Map(routes, new[] { "GET", "POST" }, new[] { "/ping" }, HandleAsync);
    }

    protected override async Task HandleAsync(RequestState request)
    {
        var fault = Server.TakeFault(request, k => k == VllmTestFaultKind.HealthLoading);
        var response = request.Context.Response;
        response.StatusCode = fault is null ? 200 : 503;
        response.ContentLength = 0;
        await response.CompleteAsync().ConfigureAwait(false);
    }
}
