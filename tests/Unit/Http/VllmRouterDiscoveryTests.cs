using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>Aggregated <c>/v1/models</c> lists and a URL prefix (KServe's <c>…/openai/v1</c>) on every route.</summary>
public sealed class VllmRouterDiscoveryTests
{
    [Fact]
    public async Task GetModelsAsync_AggregatedListWithDuplicates_EachIdOnceWithTheKnownWindow()
    {
        var body = """
            {"object":"list","data":[
              {"id":"base","object":"model","owned_by":"vllm","root":"base"},
              {"id":"base","object":"model","owned_by":"vllm","root":"base","max_model_len":4096,"extra":{"x":1}},
              {"id":"base:sql","object":"model","parent":"base"},
              {"id":"ray","metadata":{"max_request_context_length":2048}},
              {"id":"kserve","owned_by":""},
              {"id":"texty","max_model_len":"8192"},
              {"id":"odd","max_model_len":"big"}
            ]}
            """;
        using var discovery = new VllmModelDiscovery(
            new VllmProviderOptions { BaseUrl = new Uri("http://router.test/v1") },
            new HttpClient(InMemoryHandler.Answering(body)));

        var models = await discovery.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["base", "base:sql", "ray", "kserve", "texty", "odd"], models.Select(m => m.Id));
        Assert.Equal(4096, models[0].ContextWindow);
        Assert.Equal(4096, models[1].ContextWindow);
        Assert.Equal("base", models[1].Parent);
        Assert.Equal(2048, models[2].ContextWindow);
        Assert.Null(models[3].ContextWindow);
        Assert.Equal(8192, models[4].ContextWindow);
        Assert.Null(models[5].ContextWindow);
    }

    [Fact]
    public async Task Calls_BaseUrlWithPrefix_EveryRouteKeepsThePrefix()
    {
        var handler = RouterClientHost.Handler();
        const string baseUrl = "http://kserve.test/openai/v1";
        using (var client = RouterClientHost.Chat(handler, baseUrl: baseUrl))
        {
            await client.GetResponseAsync("Hello", null, TestContext.Current.CancellationToken);
            await RouterClientHost.RunAsync(client, null, stream: true);
        }

        using (var generator = new VllmEmbeddingGenerator(RouterClientHost.Options(baseUrl), "intfloat/e5-small-v2", new HttpClient(handler)))
        {
            await generator.GenerateAsync(["a"], null, TestContext.Current.CancellationToken);
        }

        using (var discovery = new VllmModelDiscovery(RouterClientHost.Options(baseUrl), new HttpClient(handler)))
        {
            await discovery.GetModelsAsync(TestContext.Current.CancellationToken);
        }

        using (var probe = new VllmHealthProbe(RouterClientHost.Options(baseUrl), new HttpClient(handler)))
        {
            var report = await probe.ProbeAsync(TestContext.Current.CancellationToken);
            Assert.True(report.Reachable);
            Assert.True(report.ModelsDiscovered > 0);
        }

        Assert.All(handler.Requests, r => Assert.StartsWith("/openai/", r.Path, StringComparison.Ordinal));
        Assert.Contains(handler.Requests, r => r.Path == "/openai/v1/chat/completions");
        Assert.Contains(handler.Requests, r => r.Path == "/openai/v1/embeddings");
        Assert.Contains(handler.Requests, r => r.Path == "/openai/v1/models");
        Assert.Contains(handler.Requests, r => r.Path == "/openai/health");
    }
}
