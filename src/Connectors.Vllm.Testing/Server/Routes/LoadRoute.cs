using System;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /load: the requests in flight besides this one.</summary>
internal sealed class LoadRoute
{
    private readonly ServerState _server;

    public LoadRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { "GET" }, new[] { "/load" }, HandleAsync);

    private Task HandleAsync(RequestState request) =>
        HttpOut.WriteJsonAsync(request.Context, 200, JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("server_load", Math.Max(0, _server.InFlight - 1));
            w.WriteEndObject();
        }));
}
