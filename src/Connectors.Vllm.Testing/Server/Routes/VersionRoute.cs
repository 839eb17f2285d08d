using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /version: the emulated vLLM version.</summary>
internal sealed class VersionRoute
{
    private readonly ServerState _server;

    public VersionRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { "GET" }, new[] { "/version" }, HandleAsync);

    private Task HandleAsync(RequestState request) =>
        HttpOut.WriteJsonAsync(request.Context, 200, JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", _server.Options.ServerVersion);
            w.WriteEndObject();
        }));
}
