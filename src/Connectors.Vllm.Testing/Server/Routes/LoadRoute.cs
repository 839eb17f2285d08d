namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /load: the requests in flight besides this one.</summary>
internal sealed class LoadRoute(ServerState server) : ServerRoute(server, "GET", "/load")
{
    protected override Task HandleAsync(RequestState request) =>
        HttpOut.WriteObjectAsync(request.Context, w => w.WriteNumber("server_load", Math.Max(0, Server.InFlight - 1)));
}
