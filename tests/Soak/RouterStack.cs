using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Soak;

/// <summary>Three test-server backends behind a <see cref="VllmTestRouter"/>; a backend can be restarted on its port.</summary>
internal sealed class RouterStack : IAsyncDisposable
{
    private const string Key = "sk-soak";
    private readonly VllmTestServer[] _backends;

    private RouterStack(VllmTestServer[] backends, VllmTestRouter router)
    {
        _backends = backends;
        Router = router;
        Options = ClientOptions(router.BaseUrl);
    }

    public VllmTestRouter Router { get; }

    public VllmProviderOptions Options { get; }

    public IReadOnlyList<VllmTestServer> Backends => _backends;

    public static async Task<RouterStack> StartAsync(VllmTestRouterMode mode)
    {
        var backends = new VllmTestServer[3];
        for (var i = 0; i < backends.Length; i++)
        {
            backends[i] = await VllmTestServer.StartAsync(BackendOptions(0)).ConfigureAwait(false);
        }

        var router = await VllmTestRouter.StartAsync(backends, new VllmTestRouterOptions { Mode = mode, SessionKey = "x-user-id" }).ConfigureAwait(false);
        return new RouterStack(backends, router);
    }

    /// <summary>Stops backend <paramref name="index"/> (its requests are cut off), then starts a new one on the same port.</summary>
    public async Task RestartAsync(int index)
    {
        var port = _backends[index].RootUrl.Port;
        await _backends[index].DisposeAsync().ConfigureAwait(false);
        await Task.Delay(300).ConfigureAwait(false);
        _backends[index] = await VllmTestServer.StartAsync(BackendOptions(port)).ConfigureAwait(false);
        Router.ReplaceBackend(index, _backends[index]);
    }

    /// <summary>Forgets the recorded requests everywhere, so that only the client's memory is measured.</summary>
    public void Reset()
    {
        Router.Reset();
        foreach (var backend in _backends)
        {
            backend.Reset();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync().ConfigureAwait(false);
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The client options for a router at <paramref name="baseUrl"/> (in this process or in the router host).</summary>
    public static VllmProviderOptions ClientOptions(Uri baseUrl) => new()
    {
        BaseUrl = baseUrl,
        ApiKey = Key,
        AllowPrivateNetwork = true,

        // A stalled stream must end in a typed error, not wait for the default minute.
        StreamIdleTimeout = TimeSpan.FromSeconds(2),
    };

    private static VllmTestServerOptions BackendOptions(int port)
    {
        var options = new VllmTestServerOptions { ApiKey = Key, Port = port };
        options.Models.Add(VllmTestModel.Chat(VllmTestServerOptions.DefaultModelId));
        options.Models.Add(VllmTestModel.Embedding("embedder", dimensions: 64));
        return options;
    }
}
