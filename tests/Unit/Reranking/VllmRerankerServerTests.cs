using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reranking;

/// <summary>The reranker against the in-process vLLM test server.</summary>
public sealed class VllmRerankerServerTests
{
    private static readonly string[] Documents =
    [
        "Bananas are yellow fruit.",
        "Paris is the capital of France.",
        "The capital of Germany is Berlin.",
        "France has many cheeses.",
    ];

    private static async Task<VllmTestServer> StartAsync()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Embedding("reranker", dimensions: 128));
        return await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    private static VllmProviderOptions Options(VllmTestServer server) => new()
    {
        BaseUrl = server.BaseUrl,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    [Fact]
    public async Task RerankAsync_AgainstServer_OrdersLikeScoreAndHonoursTopN()
    {
        await using var server = await StartAsync();
        var reranker = new VllmReranker(Options(server), "reranker");
        var ct = TestContext.Current.CancellationToken;

        var all = await reranker.RerankAsync("What is the capital of France?", Documents, null, ct);
        var top2 = await reranker.RerankAsync("What is the capital of France?", Documents, new VllmRerankOptions { TopN = 2, TruncatePromptTokens = 64 }, ct);
        var viaScore = await reranker.RerankAsync("What is the capital of France?", Documents, new VllmRerankOptions { Route = VllmRerankRoute.Score }, ct);

        Assert.Equal(["/rerank", "/rerank", "/score"], server.Requests.Select(r => r.Path));
        Assert.All(server.Requests, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(Documents.Length, all.Results.Count);
        Assert.True(all.Results.Zip(all.Results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(all.Results.Select(r => r.Index), viaScore.Results.Select(r => r.Index));
        Assert.Equal(all.Results.Select(r => r.Score), viaScore.Results.Select(r => r.Score));
        Assert.Equal(all.Results.Take(2).Select(r => r.Index), top2.Results.Select(r => r.Index));
        Assert.All(all.Results, r => Assert.Equal(Documents[r.Index], r.Text));
        Assert.Equal("reranker", all.ModelId);
        Assert.True(all.Usage!.TotalTokenCount > 0);
        var body = JsonDocument.Parse(server.Requests[1].Body).RootElement;
        Assert.Equal(2, body.GetProperty("top_n").GetInt32());
        Assert.Equal(64, body.GetProperty("truncate_prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task RerankAsync_ChatModelOnlyServer_ThrowsNamingBothRoutesAndPoolingModel()
    {
        await using var server = await VllmTestServer.StartAsync(null, TestContext.Current.CancellationToken);
        var reranker = new VllmReranker(Options(server), "test-model");

        var ex = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, null, TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);
        Assert.NotNull(ex.ServerMessage);
        Assert.Equal(["/rerank", "/score"], server.Requests.Select(r => r.Path));
        Assert.StartsWith("The server has neither /rerank nor /score", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("vllm serve <model> --runner pooling", ex.Hint, StringComparison.Ordinal);
    }
}
