using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /health and GET|POST /ping: 200 with an empty body, or 503 under the <c>health-loading</c> fault.</summary>
internal sealed class HealthRoute
{
    private readonly ServerState _server;

    public HealthRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes)
    {
        RouteMap.Map(routes, new[] { "GET" }, new[] { "/health" }, HandleAsync);
        RouteMap.Map(routes, new[] { "GET", "POST" }, new[] { "/ping" }, HandleAsync);
    }

    private async Task HandleAsync(RequestState request)
    {
        var fault = _server.TakeFault(request, k => k == VllmTestFaultKind.HealthLoading);
        var response = request.Context.Response;
        response.StatusCode = fault is null ? 200 : 503;
        response.ContentLength = 0;
        await response.CompleteAsync().ConfigureAwait(false);
    }
}
