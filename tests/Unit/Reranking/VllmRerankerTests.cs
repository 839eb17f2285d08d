using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reranking;

public sealed class VllmRerankerTests
{
    private const string RerankBody = """{"id":"rerank-0a1b2c3d4e5f6a7b","model":"BAAI/bge-reranker-base","usage":{"prompt_tokens":30,"total_tokens":30},"results":[{"index":1,"document":{"text":"The capital of France is Paris.","multi_modal":null},"relevance_score":0.99},{"index":2,"document":{"text":"Paris is in Europe.","multi_modal":null},"relevance_score":0.41},{"index":0,"document":{"text":"The sky is blue.","multi_modal":null},"relevance_score":0.0001}]}""";
    private const string ScoreBody = """{"id":"score-0a1b2c3d4e5f6a7b","object":"list","created":1745476417,"model":"BAAI/bge-reranker-base","data":[{"index":0,"object":"score","score":0.0001},{"index":1,"object":"score","score":0.99},{"index":2,"object":"score","score":0.41}],"usage":{"prompt_tokens":30,"total_tokens":30,"completion_tokens":0,"prompt_tokens_details":null}}""";
    private static readonly string[] Documents = ["The sky is blue.", "The capital of France is Paris.", "Paris is in Europe."];

    private static VllmProviderOptions Options() => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    [Fact]
    public async Task RerankAsync_Documents_PostsRerankShapeAndReturnsOrderedResults()
    {
        var handler = InMemoryHandler.Answering(RerankBody);
        var reranker = new VllmReranker(Options(), "vllm/BAAI/bge-reranker-base", handler.CreateClient());

        var result = await reranker.RerankAsync("What is the capital of France?", Documents, new VllmRerankOptions { TopN = 3, TruncatePromptTokens = 512 }, TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:8000/rerank", request.Uri.ToString());
        var body = request.Json;
        Assert.Equal(["model", "query", "documents", "top_n", "truncate_prompt_tokens"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("BAAI/bge-reranker-base", body.GetProperty("model").GetString());
        Assert.Equal("What is the capital of France?", body.GetProperty("query").GetString());
        Assert.Equal(Documents, body.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(3, body.GetProperty("top_n").GetInt32());
        Assert.Equal(512, body.GetProperty("truncate_prompt_tokens").GetInt32());
        Assert.Equal([1, 2, 0], result.Results.Select(r => r.Index));
        Assert.Equal([0.99, 0.41, 0.0001], result.Results.Select(r => r.Score));
        Assert.Equal(Documents[1], result.Results[0].Text);
        Assert.Equal("BAAI/bge-reranker-base", result.ModelId);
        Assert.Equal(30, result.Usage!.TotalTokenCount);
        Assert.Equal(30, result.Usage.InputTokenCount);
    }

    [Fact]
    public async Task RerankAsync_UnsortedAnswerWithTies_OrdersByScoreThenInputIndex()
    {
        const string unsorted = """{"id":"r","model":"m","usage":{"prompt_tokens":3,"total_tokens":3},"results":[{"index":2,"document":{"text":"c"},"relevance_score":0.5},{"index":0,"document":{"text":"a"},"relevance_score":0.1},{"index":1,"document":{"text":"b"},"relevance_score":0.5}]}""";
        var handler = InMemoryHandler.Answering(unsorted);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var result = await reranker.RerankAsync("q", ["a", "b", "c"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 0], result.Results.Select(r => r.Index));
        Assert.False(handler.Requests[0].Json.TryGetProperty("top_n", out _));
    }

    [Fact]
    public async Task RerankAsync_ServerWithoutRerankRoute_FallsBackToScoreAndRemembers()
    {
        var handler = new InMemoryHandler(r => r.Path == "/rerank"
            ? InMemoryHandler.Json(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound)
            : InMemoryHandler.Json(ScoreBody));
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var first = await reranker.RerankAsync("q", Documents, new VllmRerankOptions { TopN = 2, UseActivation = true }, TestContext.Current.CancellationToken);
        var second = await reranker.RerankAsync("q", Documents, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["/rerank", "/score", "/score"], handler.Requests.Select(r => r.Path));
        var score = handler.Requests[1].Json;
        Assert.Equal("q", score.GetProperty("text_1").GetString());
        Assert.Equal(Documents, score.GetProperty("text_2").EnumerateArray().Select(d => d.GetString()));
        Assert.True(score.GetProperty("use_activation").GetBoolean());
        Assert.False(score.TryGetProperty("top_n", out _));
        Assert.Equal([1, 2], first.Results.Select(r => r.Index));
        Assert.Equal([1, 2, 0], second.Results.Select(r => r.Index));
    }

    [Fact]
    public async Task RerankAsync_RerankRouteOnlyAndNotFound_ThrowsVllmException()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, new VllmRerankOptions { Route = VllmRerankRoute.Rerank }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.StartsWith("The server has no /rerank route (tried http://127.0.0.1:8000/rerank).", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("vllm serve <model> --runner pooling", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VllmRerankRoute.Auto or Score", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1", ex.Hint, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task RerankAsync_NeitherRerankNorScoreRoute_HintNamesBothRoutesAndPoolingModel()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var first = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, cancellationToken: TestContext.Current.CancellationToken));
        var second = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["/rerank", "/score", "/score"], handler.Requests.Select(r => r.Path));
        foreach (var ex in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
            Assert.StartsWith("The server has neither /rerank nor /score (tried http://127.0.0.1:8000/rerank and http://127.0.0.1:8000/score).", ex.Hint, StringComparison.Ordinal);
            Assert.Contains("cross-encoder", ex.Hint, StringComparison.Ordinal);
            Assert.Contains("embedding model", ex.Hint, StringComparison.Ordinal);
            Assert.Contains("vllm serve <model> --runner pooling", ex.Hint, StringComparison.Ordinal);
            Assert.DoesNotContain("BaseUrl ends in /v1", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RerankAsync_ScoreRouteOnlyAndNotFound_HintNamesScoreRoute()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, new VllmRerankOptions { Route = VllmRerankRoute.Score }, TestContext.Current.CancellationToken));

        Assert.StartsWith("The server has no /score route (tried http://127.0.0.1:8000/score).", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("--runner pooling", ex.Hint, StringComparison.Ordinal);
        Assert.Equal("/score", Assert.Single(handler.Requests).Path);
    }

    [Fact]
    public async Task RerankAsync_UnknownModel_KeepsModelHintNotRouteHint()
    {
        const string error = """{"error":{"message":"The model `nope` does not exist.","type":"NotFoundError","param":null,"code":404}}""";
        var handler = InMemoryHandler.Answering(error, HttpStatusCode.NotFound);
        var reranker = new VllmReranker(Options(), "nope", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("Use a model id the server serves", ex.Hint, StringComparison.Ordinal);
        Assert.Equal("/rerank", Assert.Single(handler.Requests).Path);
    }

    [Fact]
    public async Task RerankAsync_BadRequest_ThrowsWithServerMessage()
    {
        const string error = """{"error":{"message":"This model's maximum context length is 512 tokens. However, you requested 0 output tokens and your prompt contains at least 513 input tokens, for a total of at least 513 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=513)","type":"BadRequestError","param":"input_tokens","code":400}}""";
        var handler = InMemoryHandler.Answering(error, HttpStatusCode.BadRequest);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Documents, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.StartsWith("This model's maximum context length is 512 tokens.", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Equal("BadRequestError", ex.ErrorType);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task RerankAsync_NoDocuments_ReturnsEmptyWithoutCalling()
    {
        var handler = InMemoryHandler.Answering(RerankBody);
        var reranker = new VllmReranker(Options(), "m", handler.CreateClient());

        var result = await reranker.RerankAsync("q", [], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(result.Results);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Guards_InvalidArguments_ThrowWithParamName()
    {
        var reranker = new VllmReranker(Options(), "m", InMemoryHandler.Answering(RerankBody).CreateClient());
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmReranker(null!)).ParamName);
        Assert.Equal("defaultModelId", Assert.Throws<ArgumentException>(() => new VllmReranker(Options(), "")).ParamName);
        Assert.Equal("query", (await Assert.ThrowsAsync<ArgumentNullException>(() => reranker.RerankAsync(null!, Documents, cancellationToken: ct))).ParamName);
        Assert.Equal("documents", (await Assert.ThrowsAsync<ArgumentNullException>(() => reranker.RerankAsync("q", null!, cancellationToken: ct))).ParamName);
        Assert.Equal("documents", (await Assert.ThrowsAsync<ArgumentException>(() => reranker.RerankAsync("q", ["a", null!], cancellationToken: ct))).ParamName);
        Assert.Equal("options", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reranker.RerankAsync("q", Documents, new VllmRerankOptions { TopN = -1 }, ct))).ParamName);
    }
}
