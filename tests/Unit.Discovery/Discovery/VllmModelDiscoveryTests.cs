using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmModelDiscoveryTests
{
    private const string OneModel = """{"object":"list","data":[{"id":"Qwen/Qwen3-8B","object":"model","created":1786699800,"owned_by":"vllm","root":"Qwen/Qwen3-8B","parent":null,"max_model_len":32768,"permission":[]}]}""";

    private static readonly Uri BaseUrl = new("http://vllm.test:8000/v1");

    private static string LoraListing => TestFiles.Read("models-response.example.json");

    private static VllmProviderOptions Options(Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = BaseUrl, ApiKey = "sk-test" };
        configure?.Invoke(options);
        return options;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetModelsAsync_LoraListing_ConvertsEveryCard()
    {
        var handler = InMemoryHandler.Answering(LoraListing);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(2, models.Count);
        var baseModel = models[0];
        Assert.Equal("meta-llama/Llama-3.2-3B-Instruct", baseModel.Id);
        Assert.Equal(131072, baseModel.ContextWindow);
        Assert.Null(baseModel.Parent);
        Assert.Equal("meta-llama/Llama-3.2-3B-Instruct", baseModel.Root);
        var lora = models[1];
        Assert.Equal("sql-lora", lora.Id);
        Assert.Equal("meta-llama/Llama-3.2-3B-Instruct", lora.Parent);
        Assert.Equal("jeeejeee/llama32-3b-text2sql-spider", lora.Root);
        Assert.Equal(131072, lora.ContextWindow); // vLLM sends max_model_len: null for adapters; the adapter runs in its parent's window
        foreach (var model in models)
        {
            // Capabilities are never guessed; MaxTokens is never invented.
            Assert.Null(model.Reasoning);
            Assert.Null(model.Tools);
            Assert.Null(model.Input);
            Assert.Null(model.MaxTokens);
            Assert.Null(model.Name);
        }

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri("http://vllm.test:8000/v1/models"), request.Uri);
        Assert.Equal("Bearer sk-test", request.Authorization);
    }

    [Fact]
    public async Task GetModelsAsync_Request_CarriesLibraryUserAgentAndConfiguredHeaders()
    {
        // Discovery sends through the same transport as every other call: the same User-Agent and headers.
        var handler = new InMemoryHandler(_ => InMemoryHandler.Json(OneModel));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.Headers["X-Team"] = "search"), client);

        await discovery.GetModelsAsync(Ct);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(VllmUserAgent.Value, request.Headers["User-Agent"]);
        Assert.Equal("search", request.Headers["X-Team"]);
    }

    [Fact]
    public async Task GetModelsAsync_ExplicitModels_SkipsDiscovery()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        var options = Options(o => o.Models.Add(new VllmModelDefinition { Id = "configured", ContextWindow = 4096, Tools = true }));
        using var discovery = new VllmModelDiscovery(options, client);

        var models = await discovery.GetModelsAsync(Ct);

        var model = Assert.Single(models);
        Assert.Equal("configured", model.Id);
        Assert.True(model.Tools);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetModelsAsync_ConcurrentCallers_ShareOneRequest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new InMemoryHandler(async (_, _) =>
        {
            await release.Task;
            return InMemoryHandler.Json(OneModel);
        });
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var callers = Enumerable.Range(0, 16).Select(_ => discovery.GetModelsAsync(Ct)).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Single(handler.Requests);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal("Qwen/Qwen3-8B", Assert.Single(results[0]).Id);
    }

    [Fact]
    public async Task GetModelsAsync_WithinTtl_AnswersFromCacheThenRefreshesAfterTtl()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        var clock = new ManualTimeProvider();
        using var discovery = new VllmModelDiscovery(Options(o => o.DiscoveryCacheTtl = TimeSpan.FromMinutes(5)), client, clock);

        await discovery.GetModelsAsync(Ct);
        clock.Advance(TimeSpan.FromMinutes(4));
        await discovery.GetModelsAsync(Ct);
        Assert.Single(handler.Requests);

        clock.Advance(TimeSpan.FromMinutes(2));
        await discovery.GetModelsAsync(Ct);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetModelsAsync_ZeroTtl_AsksEveryTime()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.DiscoveryCacheTtl = TimeSpan.Zero), client, new ManualTimeProvider());

        await discovery.GetModelsAsync(Ct);
        await discovery.GetModelsAsync(Ct);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetModelsAsync_FailureThenSuccess_FailureIsNotCached()
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ => Interlocked.Increment(ref calls) == 1
            ? InMemoryHandler.Json("""{"error":{"message":"engine failed","type":"InternalServerError","param":null,"code":500}}""", HttpStatusCode.InternalServerError)
            : InMemoryHandler.Json(OneModel));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));
        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("engine failed", ex.ServerMessage);
        Assert.Single(models);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetModelsAsync_OneCallerCancels_SharedRequestCompletesForOthers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverToken = CancellationToken.None;
        var handler = new InMemoryHandler(async (_, token) =>
        {
            serverToken = token;
            await release.Task;
            return InMemoryHandler.Json(OneModel);
        });
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var cancelled = discovery.GetModelsAsync(leaving.Token);
        var staying = discovery.GetModelsAsync(Ct);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(serverToken.IsCancellationRequested);
        release.SetResult();

        Assert.Single(await staying);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetModelsAsync_DeclaredLengthOverLimit_ThrowsTooLarge()
    {
        var body = new byte[2048];
        var handler = new InMemoryHandler(_ => InMemoryHandler.Bytes(body, "application/json"));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.MaxModelsBodyBytes = 1024), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("MaxModelsBodyBytes (1024 bytes)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModelsAsync_UndeclaredLengthOverLimit_ThrowsTooLarge()
    {
        // A valid-looking list that only goes over the limit part-way through an unsized body.
        var json = "{\"object\":\"list\",\"data\":[" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"{{\"id\":\"model-{i}\",\"max_model_len\":4096}}")) + "]}";
        var handler = new InMemoryHandler(_ => InMemoryHandler.Bytes(System.Text.Encoding.UTF8.GetBytes(json), "application/json", declareLength: false));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.MaxModelsBodyBytes = 1024), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("MaxModelsBodyBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModelsAsync_BodyExactlyAtLimit_IsAccepted()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(OneModel);
        var handler = new InMemoryHandler(_ => InMemoryHandler.Bytes(bytes, "application/json", declareLength: false));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.MaxModelsBodyBytes = bytes.Length), client);

        Assert.Single(await discovery.GetModelsAsync(Ct));
    }

    [Theory]
    [InlineData("{\"object\":\"list\",\"data\":[{\"id\":\"a\"", "not valid JSON")]
    [InlineData("<html><body>It works!</body></html>", "not valid JSON")]
    [InlineData("[1,2,3]", "not valid JSON")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"models\":[{\"name\":\"llama3\"}]}", "no \"data\" array")]
    [InlineData("{\"object\":\"error\",\"message\":\"x\"}", "\"object\" is \"error\"")]
    [InlineData("{\"object\":\"list\",\"data\":[{\"name\":\"no-id\"}]}", "entry 0 of \"data\" has no \"id\"")]
    [InlineData("{\"object\":\"list\",\"data\":[null]}", "entry 0 of \"data\" has no \"id\"")]
    [InlineData("{\"object\":\"list\",\"data\":\"x\"}", "not valid JSON")]
    [InlineData("{\"object\":\"list\",\"data\":[{\"id\":7}]}", "not valid JSON")]
    public async Task GetModelsAsync_NotAModelList_ThrowsClearError(string body, string detail)
    {
        var handler = InMemoryHandler.Answering(body);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("is not a vLLM model list", ex.Message, StringComparison.Ordinal);
        Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
        Assert.Contains("curl http://vllm.test:8000/v1/models", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModelsAsync_Unauthorized_MapsThroughVllmErrors()
    {
        var handler = InMemoryHandler.Answering("""{"error":"Unauthorized"}""", HttpStatusCode.Unauthorized);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("Unauthorized", ex.ServerMessage);
        Assert.Contains("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-test", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModelsAsync_ConnectionRefused_ThrowsConnectionFailed()
    {
        var handler = new InMemoryHandler((_, _) => Task.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused))));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Null(ex.StatusCode);
        Assert.Contains("connection refused", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("curl http://vllm.test:8000/v1/models", ex.Hint, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task GetModelsAsync_GateRefusalInsideHttpRequestException_SurfacesGateException()
    {
        var refusal = VllmNetworkPolicy.From(new VllmProviderOptions()).RefusedException("vllm.test", IPAddress.Parse("10.0.0.1"), "private (10.0.0.0/8)");
        var handler = new InMemoryHandler((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("connect failed", refusal)));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Same(refusal, ex);
        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModelsAsync_ServerNeverAnswers_ThrowsAfterFirstByteTimeout()
    {
        var handler = new InMemoryHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return InMemoryHandler.Json(OneModel);
        });
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.FirstByteTimeout = TimeSpan.FromMilliseconds(50)), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("did not answer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FirstByteTimeout", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_NullWithOneModel_NamesThatModel()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var metadata = await discovery.GetChatClientMetadataAsync(null, Ct);

        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(BaseUrl, metadata.ProviderUri);
        Assert.Equal("Qwen/Qwen3-8B", metadata.DefaultModelId);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_NullWithSeveralModels_ThrowsListingThem()
    {
        var handler = InMemoryHandler.Answering(LoraListing);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetChatClientMetadataAsync(null, Ct));

        Assert.Contains("meta-llama/Llama-3.2-3B-Instruct, sql-lora", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_NullWithNoModels_ThrowsSayingSo()
    {
        var handler = InMemoryHandler.Answering("""{"object":"list","data":[]}""");
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetChatClientMetadataAsync(null, Ct));

        Assert.Contains("there are no models", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_NullWithOneConfiguredModel_NoRequest()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(o => o.Models.Add(new() { Id = "configured" })), client);

        var metadata = await discovery.GetChatClientMetadataAsync(null, Ct);

        Assert.Equal("configured", metadata.DefaultModelId);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_GivenRef_StripsPrefixWithoutRequest()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var first = discovery.GetChatClientMetadataAsync("vllm/Qwen/Qwen3-8B", Ct);
        var second = discovery.GetChatClientMetadataAsync("vllm/Qwen/Qwen3-8B", Ct);

        Assert.Same(first, second);
        Assert.Equal("Qwen/Qwen3-8B", (await first).DefaultModelId);
        Assert.Equal("vllm", (await first).ProviderName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task CachedPaths_AfterFirstCall_AllocateNothingAndSendNothing()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);
        await discovery.GetModelsAsync(Ct);
        await discovery.GetChatClientMetadataAsync(null, Ct);
        await discovery.GetChatClientMetadataAsync("Qwen/Qwen3-8B", Ct);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = discovery.GetModelsAsync(Ct);
            _ = discovery.GetChatClientMetadataAsync(null, Ct);
            _ = discovery.GetChatClientMetadataAsync("Qwen/Qwen3-8B", Ct);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetModelsAsync_AdaptersOfTwoBaseModels_EachTakesItsParentsWindow()
    {
        const string body = """
            {"object":"list","data":[
              {"id":"base-a","object":"model","owned_by":"vllm","root":"org/a","parent":null,"max_model_len":4096},
              {"id":"base-b","object":"model","owned_by":"vllm","root":"org/b","parent":null,"max_model_len":32768},
              {"id":"lora-b","object":"model","owned_by":"vllm","root":"/adapters/b","parent":"base-b","max_model_len":null},
              {"id":"lora-a","object":"model","owned_by":"vllm","root":"/adapters/a","parent":"base-a","max_model_len":null},
              {"id":"lora-orphan","object":"model","owned_by":"vllm","root":"/adapters/o","parent":"not-listed","max_model_len":null}]}
            """;
        var handler = InMemoryHandler.Answering(body);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        await discovery.GetModelsAsync(Ct);

        Assert.Equal(32768, (await discovery.FindModelAsync("lora-b", Ct))?.ContextWindow);
        Assert.Equal(4096, (await discovery.FindModelAsync("vllm/lora-a", Ct))?.ContextWindow);
        Assert.Null((await discovery.FindModelAsync("lora-orphan", Ct))?.ContextWindow); // no parent card to take it from: unknown, not guessed
        Assert.Equal(4096, (await discovery.FindModelAsync("base-a", Ct))?.ContextWindow);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task FindModelAsync_PrefixedAndUnknownIds_OneListRequest()
    {
        var handler = InMemoryHandler.Answering(LoraListing);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var found = await discovery.FindModelAsync("vllm/sql-lora", Ct);

        Assert.Equal("meta-llama/Llama-3.2-3B-Instruct", found?.Parent);
        Assert.Same(found, await discovery.FindModelAsync("sql-lora", Ct));
        Assert.Null(await discovery.FindModelAsync("missing", Ct));
        Assert.Equal(["meta-llama/Llama-3.2-3B-Instruct", "sql-lora"], (await discovery.GetModelsAsync(Ct)).Select(m => m.Id));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Invalidate_AfterDiscovery_NextCallAsksAgain()
    {
        var handler = InMemoryHandler.Answering(OneModel);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        await discovery.GetModelsAsync(Ct);
        discovery.Invalidate();
        await discovery.GetModelsAsync(Ct);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetModelsAsync_Redirect_NotFollowedAndExplained()
    {
        var handler = new InMemoryHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.MovedPermanently) { Content = new ByteArrayContent([]) };
            response.Headers.Location = new Uri("http://10.0.0.9:8000/v1/models");
            return response;
        });
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(Options(), client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Equal(HttpStatusCode.MovedPermanently, ex.StatusCode);
        Assert.Contains("redirected to http://10.0.0.9:8000/v1/models", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("BaseUrl", ex.Hint, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsConfigurationError()
    {
        var ex = Assert.Throws<VllmException>(() => new VllmModelDiscovery(Options(o => o.Api = "other")));

        Assert.Contains("Api: 'other' is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnsetEnvironmentPlaceholder_ThrowsNamingVariable()
    {
        var ex = Assert.Throws<VllmException>(() => new VllmModelDiscovery(Options(o => o.ApiKey = "${CONNECTORS_VLLM_TEST_NEVER_SET_5F2A}")));

        Assert.Contains("CONNECTORS_VLLM_TEST_NEVER_SET_5F2A", ex.Message, StringComparison.Ordinal);
    }
}
