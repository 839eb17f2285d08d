using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Tests.Unit.Testing;

/// <summary>One default-option test server per emulated version, shared by a test class (hundreds of theory rows).</summary>
public sealed class ServerPerVersionFixture : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<VllmTestServer>>> _servers = new();

    public Task<VllmTestServer> GetAsync(string version) =>
        _servers.GetOrAdd(version, v => new Lazy<Task<VllmTestServer>>(
            () => VllmTestServer.StartAsync(new VllmTestServerOptions { ServerVersion = v }, CancellationToken.None))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _servers.Values)
        {
            await (await lazy.Value).DisposeAsync();
        }
    }
}
