using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

/// <summary>A <see cref="VllmTestRouter"/> in one mode over test-server backends, and a plain HttpClient at its root.</summary>
internal sealed class RouterTestBed : IAsyncDisposable
{
    private RouterTestBed(VllmTestRouter router, List<VllmTestServer> backends)
    {
        Router = router;
        Backends = backends;
        Http = new HttpClient { BaseAddress = router.RootUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public VllmTestRouter Router { get; }

    public List<VllmTestServer> Backends { get; }

    public HttpClient Http { get; }

    /// <summary>The chat path as clients of this mode write it (KServe: under <c>/openai</c>).</summary>
    public string ChatPath => Router.BaseUrl.AbsolutePath.TrimEnd('/') + "/chat/completions";

    public string ModelsPath => Router.BaseUrl.AbsolutePath.TrimEnd('/') + "/models";

    /// <summary>Backend 0 serves base-a (4096) and its LoRA adapter sql-lora; backend 1 serves base-a (4096) and base-b (2048).</summary>
    public static VllmTestServerOptions[] TwoDifferentBackends()
    {
        var first = new VllmTestServerOptions();
        first.Models.Add(VllmTestModel.Chat("base-a", maxModelLen: 4096));
        first.Models.Add(VllmTestModel.LoraAdapter("sql-lora", parent: "base-a"));
        var second = new VllmTestServerOptions();
        second.Models.Add(VllmTestModel.Chat("base-a", maxModelLen: 4096));
        second.Models.Add(VllmTestModel.Chat("base-b", maxModelLen: 2048));
        return [first, second];
    }

    public static Task<RouterTestBed> StartAsync(VllmTestRouterMode mode, int backends = 2, Action<VllmTestRouterOptions>? configure = null) =>
        StartAsync(mode, Enumerable.Range(0, backends).Select(_ => new VllmTestServerOptions()).ToArray(), configure);

    public static async Task<RouterTestBed> StartAsync(VllmTestRouterMode mode, VllmTestServerOptions[] backends, Action<VllmTestRouterOptions>? configure = null)
    {
        var servers = new List<VllmTestServer>();
        foreach (var options in backends)
        {
            servers.Add(await VllmTestServer.StartAsync(options, Ct));
        }

        var routerOptions = new VllmTestRouterOptions { Mode = mode };
        configure?.Invoke(routerOptions);
        return new RouterTestBed(await VllmTestRouter.StartAsync(servers, routerOptions, Ct), servers);
    }

    /// <summary>Sends one chat request with the given headers; returns the index of the backend that took it (null: the router answered).</summary>
    public async Task<int?> ChatAsync(params (string Name, string Value)[] headers)
    {
        using var response = await PostJsonAsync(Http, ChatPath, Chat("hi"), r =>
        {
            foreach (var (name, value) in headers)
            {
                r.Headers.Add(name, value);
            }
        });
        await response.Content.ReadAsStringAsync(Ct);
        return Router.Requests[^1].Backend;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Router.DisposeAsync();
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync();
        }
    }
}
