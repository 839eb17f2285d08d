using System.Net;
using System.Net.Sockets;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>A loopback port that nothing listens on (bound, read, released).</summary>
internal static class ClosedPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
