using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

/// <summary>
/// The client's router features (session affinity, request ids, error shapes and hints, retries, aggregated discovery)
/// through <see cref="VllmTestRouter"/> in each mode, with <see cref="VllmChatClient"/>, <see cref="VllmEmbeddingGenerator"/>
/// and <see cref="VllmModelDiscovery"/> as a user would call them.
/// </summary>
public sealed class VllmClientThroughRouterTests
{
    private static readonly string[] Sessions = Enumerable.Range(0, 12).Select(i => "conversation-" + i).ToArray();

    public static TheoryData<VllmTestRouterMode> AllModes() =>
        [VllmTestRouterMode.ProductionStack, VllmTestRouterMode.LlmD, VllmTestRouterMode.VllmRouter, VllmTestRouterMode.KServe];

    private static VllmProviderOptions Options(RouterTestBed bed, Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = bed.Router.BaseUrl, AllowPrivateNetwork = true };
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The router's records of one API route (the client may also ask for /models, /version…).</summary>
    private static List<VllmTestRouterRequest> Calls(RouterTestBed bed, string route) =>
        bed.Router.Requests.Where(r => r.Path.EndsWith(route, StringComparison.Ordinal)).ToList();

    private static async Task<int?> AskAsync(VllmChatClient client, RouterTestBed bed, ChatOptions options, bool stream)
    {
        if (stream)
        {
            await client.GetStreamingResponseAsync("hi", options, Ct).ToChatResponseAsync(Ct);
        }
        else
        {
            await client.GetResponseAsync("hi", options, Ct);
        }

        return Calls(bed, "/chat/completions")[^1].Backend;
    }

    // ---- affinity ----

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, false)]
    [InlineData(VllmTestRouterMode.ProductionStack, true)]
    [InlineData(VllmTestRouterMode.VllmRouter, false)]
    [InlineData(VllmTestRouterMode.VllmRouter, true)]
    [InlineData(VllmTestRouterMode.LlmD, false)]
    public async Task WithSessionId_SameSession_AlwaysSameBackendAndSessionsSpread(VllmTestRouterMode mode, bool stream)
    {
        // production-stack hashes the header named by its --session-key; the client sends SessionHeaderName = that key.
        // vllm-router reads X-Session-ID (the default SessionHeaderName); llm-d binds x-session-id (set to it).
        await using var bed = await RouterTestBed.StartAsync(mode, backends: 3, o => o.SessionKey = "x-user-id");
        using var client = new VllmChatClient(Options(bed, o => o.SessionHeaderName = mode switch
        {
            VllmTestRouterMode.ProductionStack => "x-user-id",
            VllmTestRouterMode.LlmD => "x-session-id",
            _ => VllmProviderOptions.DefaultSessionHeaderName,
        }), "test-model");
        var used = new HashSet<int>();

        foreach (var session in Sessions)
        {
            var options = new ChatOptions().WithSessionId(session);
            var first = await AskAsync(client, bed, options, stream);
            Assert.NotNull(first);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(first, await AskAsync(client, bed, new ChatOptions().WithSessionId(session), stream));
            }

            Assert.Equal(session, Calls(bed, "/chat/completions")[^1].RoutingKey);
            used.Add(first.Value);
        }

        Assert.True(used.Count >= 2, $"{Sessions.Length} sessions all reached backend {string.Join(",", used)}");
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "x-session-token-prefill")]
    [InlineData(true, "x-session-token-prefill")]
    public async Task WithSessionId_LlmDStickyResponseHeaders_TokensSentBackPinTheSession(bool stream, string? prefillHeader)
    {
        // A session header llm-d does not read, so only the token round trip can pin the session (without it the emulated
        // picker goes round robin over the three backends). With P/D disaggregation llm-d writes a second token for the
        // prefill pod; both must come back for the session to keep both pods.
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, backends: 3, o => o.PrefillTokenHeader = prefillHeader);
        using var client = new VllmChatClient(Options(bed, o =>
        {
            o.SessionHeaderName = "x-conversation";
            o.StickyResponseHeader = prefillHeader is null ? "x-session-token" : "x-session-token," + prefillHeader;
        }), "test-model");

        foreach (var session in Sessions.Take(4))
        {
            var first = await AskAsync(client, bed, new ChatOptions().WithSessionId(session), stream);
            var prefill = Calls(bed, "/chat/completions")[^1].PrefillBackend;
            Assert.Equal(prefillHeader is null, prefill is null);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(first, await AskAsync(client, bed, new ChatOptions().WithSessionId(session), stream));
                Assert.NotNull(Calls(bed, "/chat/completions")[^1].RoutingKey); // the token came back
                Assert.Equal(prefill, Calls(bed, "/chat/completions")[^1].PrefillBackend);
            }
        }

        // A call without a session id carries no token.
        await AskAsync(client, bed, new ChatOptions(), stream);
        Assert.Null(Calls(bed, "/chat/completions")[^1].RoutingKey);
    }

    // ---- request id ----

    [Theory]
    [MemberData(nameof(AllModes))]
    public async Task WithRequestId_ThroughRouter_ComesBackOnTheResponse(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(Options(bed), "test-model");

        var response = await client.GetResponseAsync("hi", new ChatOptions().WithRequestId("req-plain-1"), Ct);
        var updates = await client.GetStreamingResponseAsync("hi", new ChatOptions().WithRequestId("req-stream-1"), Ct).ToListAsync(Ct);

        Assert.Equal("req-plain-1", response.AdditionalProperties?["request_id"]);
        Assert.Equal("req-stream-1", updates[0].AdditionalProperties?["request_id"]);
        Assert.Equal(["req-plain-1", "req-stream-1"], bed.Backends.SelectMany(b => b.Requests).Select(r => r.Headers["X-Request-Id"]).Order());
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public async Task WithRequestId_RouterError_OnVllmException(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(Options(bed), "test-model");

        var error = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync("hi", new ChatOptions { ModelId = "nope" }.WithRequestId("req-lost-1"), Ct));

        Assert.Equal("req-lost-1", error.RequestId);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public async Task EmbeddingWithRequestId_RouterError_OnVllmException(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode, EmbeddingBackends());
        using var generator = new VllmEmbeddingGenerator(Options(bed), "embed");

        var error = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["hi"], new EmbeddingGenerationOptions { ModelId = "nope" }.WithRequestId("emb-lost-1"), Ct));

        Assert.Equal("emb-lost-1", error.RequestId);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    // ---- error shapes and hints ----

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, "Model 'nope' not found")]
    [InlineData(VllmTestRouterMode.LlmD, "nope")]
    [InlineData(VllmTestRouterMode.VllmRouter, "nope")]
    [InlineData(VllmTestRouterMode.KServe, "Model with name nope does not exist.")]
    public async Task GetResponseAsync_UnknownModel_RoutersTextAndModelsHintNotRetried(VllmTestRouterMode mode, string text)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(Options(bed), "nope");

        var error = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains(text, error.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("model id", error.Hint, StringComparison.Ordinal);
        Assert.Contains(bed.Router.BaseUrl.AbsolutePath.TrimEnd('/') + "/models", error.Hint, StringComparison.Ordinal);
        Assert.Single(Calls(bed, "/chat/completions"));
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, false, "temporarily unavailable", "no live engine", null)]
    [InlineData(VllmTestRouterMode.LlmD, false, "inference error: ServiceUnavailable", "no replica is ready", "rejected-no-endpoints")]
    [InlineData(VllmTestRouterMode.LlmD, true, "inference error: ServiceUnavailable", "no replica is ready", "rejected-no-endpoints")]
    [InlineData(VllmTestRouterMode.VllmRouter, false, "No available workers", "no ready replica", null)]
    [InlineData(VllmTestRouterMode.KServe, false, "Model with name test-model is not ready.", "KServe reports it not ready", null)]
    [InlineData(VllmTestRouterMode.KServe, true, "Model with name test-model is not ready.", "KServe reports it not ready", null)]
    public async Task GetResponseAsync_NoLiveEngine_RoutersTextHintAndDroppedReasonAfterRetries(VllmTestRouterMode mode, bool stream, string text, string hint, string? dropped)
    {
        await using var bed = await RouterTestBed.StartAsync(mode, backends: 2, o => o.Faults.Add(new VllmTestRouterFault(VllmTestRouterFaultKind.NoHealthyBackend)));
        using var client = new VllmChatClient(Options(bed), "test-model");

        var error = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            if (stream)
            {
                await client.GetStreamingResponseAsync("hi", new ChatOptions().WithRequestId("down-1"), Ct).ToChatResponseAsync(Ct);
            }
            else
            {
                await client.GetResponseAsync("hi", new ChatOptions().WithRequestId("down-1"), Ct);
            }
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains(text, error.ServerMessage, StringComparison.Ordinal);
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
        Assert.Equal(dropped, error.RequestDroppedReason);
        Assert.Equal("down-1", error.RequestId);
        Assert.Equal(3, Calls(bed, "/chat/completions").Count); // Retry.MaxAttempts, all answered by the router
        Assert.All(bed.Backends, b => Assert.Empty(b.Requests));
    }

    [Theory]
    [InlineData(VllmTestRouterFaultKind.Overloaded, "rejected-saturated")]
    [InlineData(VllmTestRouterFaultKind.QueueTimeout, "rejected-ttl-expired")]
    [InlineData(VllmTestRouterFaultKind.Evicted, "evicted")]
    public async Task GetResponseAsync_LlmDDropped_ReasonOnExceptionWithItsHint(VllmTestRouterFaultKind kind, string reason)
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, backends: 2, o => o.Faults.Add(new VllmTestRouterFault(kind)));
        using var client = new VllmChatClient(Options(bed, o => o.Retry.MaxAttempts = 1), "test-model");

        var error = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal((HttpStatusCode)429, error.StatusCode);
        Assert.Equal(reason, error.RequestDroppedReason);
        Assert.Contains($"llm-d dropped the request ({reason}", error.Hint, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.ServerMessage));
    }

    [Theory]
    [InlineData(VllmTestRouterFaultKind.Overloaded, 429, "Too many requests")]
    [InlineData(VllmTestRouterFaultKind.QueueTimeout, 408, "gave up on the request while it waited in the queue")]
    public async Task GetResponseAsync_VllmRouterEmptyBody_WordedFromTheStatus(VllmTestRouterFaultKind kind, int status, string hint)
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, backends: 2, o => o.Faults.Add(new VllmTestRouterFault(kind)));
        using var client = new VllmChatClient(Options(bed, o => o.Retry.MaxAttempts = 1), "test-model");

        var error = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    // ---- retries ----

    public static TheoryData<VllmTestRouterMode, VllmTestRouterFaultKind, int> RetriedFaults() => new()
    {
        { VllmTestRouterMode.ProductionStack, VllmTestRouterFaultKind.Overloaded, 503 },
        { VllmTestRouterMode.ProductionStack, VllmTestRouterFaultKind.NoHealthyBackend, 503 },
        { VllmTestRouterMode.LlmD, VllmTestRouterFaultKind.Overloaded, 429 },
        { VllmTestRouterMode.LlmD, VllmTestRouterFaultKind.QueueTimeout, 429 },
        { VllmTestRouterMode.LlmD, VllmTestRouterFaultKind.NoHealthyBackend, 503 },
        { VllmTestRouterMode.LlmD, VllmTestRouterFaultKind.Evicted, 429 },
        { VllmTestRouterMode.VllmRouter, VllmTestRouterFaultKind.Overloaded, 429 },
        { VllmTestRouterMode.VllmRouter, VllmTestRouterFaultKind.QueueTimeout, 408 },
        { VllmTestRouterMode.VllmRouter, VllmTestRouterFaultKind.NoHealthyBackend, 503 },
        { VllmTestRouterMode.KServe, VllmTestRouterFaultKind.NoHealthyBackend, 503 },
    };

    [Fact]
    public async Task Stream_HeadersSentBodyStillRunning_RouterAndBackendAlreadyRecordTheStatus()
    {
        // The statuses used to be set when the handlers returned, so a test that read them as soon as it had the whole
        // stream could find 0 (seen once in CI). They are recorded when the headers go out: here the backend stalls after
        // one event, and both records already say 200 while the body is still open.
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack);
        using var request = new HttpRequestMessage(HttpMethod.Post, bed.ChatPath)
        {
            Content = new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":true}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(VllmTestFault.HeaderName, "stall;1");

        using var response = await bed.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, Calls(bed, "/chat/completions")[^1].StatusCode);
        var backend = Assert.Single(bed.Backends.SelectMany(b => b.Requests));
        Assert.Equal(200, backend.StatusCode);
        Assert.Equal(VllmTestFaultKind.StallMidStream, backend.Fault);
    }

    [Theory]
    [MemberData(nameof(RetriedFaults))]
    public async Task GetResponseAsync_ScriptedFaultTwice_RetriedAndAnswered(VllmTestRouterMode mode, VllmTestRouterFaultKind kind, int status)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(Options(bed), "test-model");

        bed.Router.AddFault(new VllmTestRouterFault(kind, times: 2));
        var response = await client.GetResponseAsync("plain", cancellationToken: Ct);
        bed.Router.AddFault(new VllmTestRouterFault(kind, times: 2));
        var streamed = await client.GetStreamingResponseAsync("streamed", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal("[test-model] echo: plain", response.Text);
        Assert.Equal("[test-model] echo: streamed", streamed.Text);
        var calls = Calls(bed, "/chat/completions");
        Assert.Equal([status, status, 200, status, status, 200], calls.Select(c => c.StatusCode));
        Assert.Equal(2, bed.Backends.Sum(b => b.Requests.Count));
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public async Task GenerateAsync_RouterNoLiveEngineOnce_RetriedAndAnswered(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode, EmbeddingBackends());
        using var generator = new VllmEmbeddingGenerator(Options(bed), "embed");
        bed.Router.AddFault(new VllmTestRouterFault(VllmTestRouterFaultKind.NoHealthyBackend, times: 1));

        var embeddings = await generator.GenerateAsync(["one", "two"], cancellationToken: Ct);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal([503, 200], Calls(bed, "/embeddings").Select(c => c.StatusCode));
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public async Task GetStreamingResponseAsync_UnknownModel_NotRetried(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(Options(bed), "nope");

        var error = await Assert.ThrowsAsync<VllmException>(async () => await client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal([404], Calls(bed, "/chat/completions").Select(c => c.StatusCode));
    }

    // ---- aggregated discovery ----

    private static VllmTestServerOptions[] EmbeddingBackends()
    {
        var backends = new[] { new VllmTestServerOptions(), new VllmTestServerOptions() };
        foreach (var backend in backends)
        {
            backend.Models.Add(VllmTestModel.Chat("test-model"));
            backend.Models.Add(VllmTestModel.Embedding("embed"));
        }

        return backends;
    }

    [Fact]
    public async Task GetModelsAsync_ProductionStackKubernetesDiscovery_UnionWithAdapterAndWindows()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends());
        using var discovery = new VllmModelDiscovery(Options(bed));

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(["base-a", "sql-lora", "base-b"], models.Select(m => m.Id));
        Assert.Equal(4096, models[0].ContextWindow);
        Assert.Equal("base-a", models[1].Parent);
        Assert.Equal(2048, models[2].ContextWindow);
    }

    [Fact]
    public async Task GetModelsAsync_ProductionStackStaticDiscovery_BaseModelsWithoutWindow()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends(), o => o.KubernetesDiscovery = false);
        using var discovery = new VllmModelDiscovery(Options(bed));

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(["base-a", "base-b"], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Null(m.ContextWindow));
    }

    [Fact]
    public async Task GetModelsAsync_ProductionStackStaticDiscovery_ConfiguredWindowFillsTheGap()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends(), o => o.KubernetesDiscovery = false);
        using var discovery = new VllmModelDiscovery(Options(bed, o => o.Models.Add(new VllmModelDefinition { Id = "base-b", ContextWindow = 2048 })));

        var model = await discovery.FindModelAsync("base-b", Ct);

        Assert.Equal(2048, model?.ContextWindow);
    }

    [Fact]
    public async Task GetModelsAsync_VllmRouter_FirstWorkersCardsWithAdapter()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, RouterTestBed.TwoDifferentBackends());
        using var discovery = new VllmModelDiscovery(Options(bed));

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(["base-a", "sql-lora"], models.Select(m => m.Id));
        Assert.Equal(4096, models[0].ContextWindow);
        Assert.Equal("base-a", models[1].Parent);
    }

    [Fact]
    public async Task GetModelsAsync_LlmD_OneReplicasList()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, RouterTestBed.TwoDifferentBackends());
        using var discovery = new VllmModelDiscovery(Options(bed));

        var ids = (await discovery.GetModelsAsync(Ct)).Select(m => m.Id).ToArray();

        Assert.True(ids.SequenceEqual(["base-a", "sql-lora"]) || ids.SequenceEqual(["base-a", "base-b"]), string.Join(",", ids));
    }

    [Fact]
    public async Task GetModelsAsync_KServe_CardsWithoutWindowUnderOpenAIPrefix()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe, RouterTestBed.TwoDifferentBackends());
        using var discovery = new VllmModelDiscovery(Options(bed));

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Contains(models, m => m.Id == "base-a");
        Assert.All(models, m => Assert.Null(m.ContextWindow));
    }
}
