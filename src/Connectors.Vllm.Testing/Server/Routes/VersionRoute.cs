namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /version: the emulated vLLM version.</summary>
internal sealed class VersionRoute(ServerState server) : ServerRoute(server, "GET", "/version")
{
    protected override Task HandleAsync(RequestState request) =>
        HttpOut.WriteObjectAsync(request.Context, w => w.WriteString("version", Server.Options.ServerVersion));
}
