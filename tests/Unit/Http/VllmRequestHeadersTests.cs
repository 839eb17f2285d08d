using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>Per-request headers and request ids, on every path (chat streamed and not, embeddings, discovery).</summary>
public sealed class VllmRequestHeadersTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_WithRequestHeader_SentOnThatRequestOnly(bool stream)
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler);

        await RouterClientHost.RunAsync(client, new ChatOptions().WithRequestHeader("X-Tenant", "blue"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions(), stream);

        var chats = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Equal("blue", RouterClientHost.Header(chats[0], "X-Tenant"));
        Assert.Null(RouterClientHost.Header(chats[1], "X-Tenant"));
    }

    [Fact]
    public async Task GetResponseAsync_RequestHeaderNamedLikeConfiguredHeader_RequestValueWins()
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler, o => o.Headers["X-Team"] = "search");

        await client.GetResponseAsync("Hello", new ChatOptions().WithRequestHeader("x-team", "ads"), TestContext.Current.CancellationToken);
        await client.GetResponseAsync("Hello", null, TestContext.Current.CancellationToken);

        var chats = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Equal("ads", RouterClientHost.Header(chats[0], "X-Team"));
        Assert.Equal("search", RouterClientHost.Header(chats[1], "X-Team"));
    }

    // Values .NET cannot send (it sends header values as ASCII) are refused where they are set, naming the argument; before,
    // the request failed with "Could not reach the server … Check that vLLM is running".
    [Theory]
    [InlineData("caf\u00e9")]
    [InlineData("a\u0001b")]
    [InlineData("line\nbreak")]
    public void HeaderValuesNetCannotSend_RefusedWhereSet(string value)
    {
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => new ChatOptions().WithRequestHeader("X-Team", value)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => new EmbeddingGenerationOptions().WithRequestHeader("X-Team", value)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => new ChatOptions().WithSessionId(value));
        Assert.Equal("sessionId", ex.ParamName);
        Assert.Contains("printable ASCII", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConfiguredHeaderOrKeyNetCannotSend_NamesTheSettingNeverTheKey()
    {
        var options = new VllmProviderOptions { ApiKey = "sk-caf\u00e9-secret" };
        options.Headers["X-Team"] = "caf\u00e9";

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains("Headers:X-Team: the value must be printable ASCII", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey: the key must be printable ASCII", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_HeaderValueFromEnvironmentNetCannotSend_NamesTheSettingNeverTheValue()
    {
        var variable = "VLLM_TEST_HEADER_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "caf\u00e9-secret");
        try
        {
            var options = new VllmProviderOptions();
            options.Headers["X-Team"] = "${" + variable + "}";

            var ex = Assert.Throws<VllmException>(() => VllmEndpoint.Resolve(options));

            Assert.Contains("Configuration error in Headers:X-Team", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("Authorization", "ApiKey")]
    [InlineData("authorization", "ApiKey")]
    [InlineData("User-Agent", "Headers")]
    [InlineData("Bad Name", "valid header name")]
    [InlineData("x(a", "valid header name")]
    [InlineData("x,a", "valid header name")]
    [InlineData("x\u00e4", "valid header name")]
    public void WithRequestHeader_ReservedOrInvalidName_ThrowsNamingTheSetting(string name, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChatOptions().WithRequestHeader(name, "x"));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new EmbeddingGenerationOptions().WithRequestHeader(name, "x"));
        Assert.Throws<ArgumentException>(() => new VllmTokenizeOptions().WithRequestHeader(name, "x"));
        Assert.Throws<ArgumentException>(() => new VllmRerankOptions().WithRequestHeader(name, "x"));
    }

    [Fact]
    public void WithRequestHeader_GuardClauses_NameTheParameter()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => VllmChatOptionsExtensions.WithRequestHeader(null!, "a", "b")).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => new ChatOptions().WithRequestHeader("a", null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => new ChatOptions().WithRequestHeader("a", "b\r\nc")).ParamName);
        Assert.Equal("sessionId", Assert.Throws<ArgumentException>(() => new ChatOptions().WithSessionId("")).ParamName);
    }

    [Fact]
    public void WithRequestHeader_OnAClone_LeavesTheOriginalAlone()
    {
        var original = new ChatOptions().WithRequestHeader("X-A", "1");
        var clone = original.Clone().WithRequestHeader("X-B", "2");

        Assert.Equal(["X-A"], VllmCallHeadersOf(original));
        Assert.Equal(["X-A", "X-B"], VllmCallHeadersOf(clone));
    }

    private static string[] VllmCallHeadersOf(ChatOptions options)
        => [.. Pipeline.VllmCallHeaders.For(options.AdditionalProperties).Headers.Select(h => h.Key).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_NoRequestId_SendsGeneratedIdAndReportsIt(bool stream)
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler);

        var (response, updates) = await RouterClientHost.RunAsync(client, null, stream);

        var sent = RouterClientHost.Header(handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)), "X-Request-Id");
        Assert.Matches("^[0-9a-f]{32}$", sent);
        Assert.Equal(sent, ReportedId(response));
        if (updates is not null)
        {
            Assert.Equal(sent, updates[0].AdditionalProperties?["request_id"]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_WithRequestId_SendsItAndReportsTheIdTheRouterEchoes(bool stream)
    {
        var handler = RouterClientHost.Handler((request, response) => response.Headers.Add("x-request-id", "router-" + RouterClientHost.Header(request, "X-Request-Id")));
        using var client = RouterClientHost.Chat(handler);

        var (response, _) = await RouterClientHost.RunAsync(client, new ChatOptions().WithRequestId("abc-123"), stream);

        Assert.Equal("abc-123", RouterClientHost.Header(handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)), "X-Request-Id"));
        Assert.Equal("router-abc-123", ReportedId(response));
    }

    /// <summary>The reported id: on the response (non-streamed), or, after <c>ToChatResponse()</c> of a stream, on the message
    /// (MEAI scopes an update's AdditionalProperties to its message when the update has a MessageId).</summary>
    private static object? ReportedId(ChatResponse response)
        => response.AdditionalProperties?.TryGetValue("request_id", out var id) == true ? id : response.Messages[0].AdditionalProperties?["request_id"];

    [Fact]
    public async Task GetResponseAsync_Retried_EveryAttemptCarriesTheSameRequestId()
    {
        var calls = 0;
        var handler = new InMemoryHandler(request => Interlocked.Increment(ref calls) == 1
            ? InMemoryHandler.Text(string.Empty, "text/plain", HttpStatusCode.ServiceUnavailable)
            : InMemoryHandler.Text(TestFiles.Read("chat-response.example.json"), "application/json"));
        using var client = RouterClientHost.Chat(handler);

        await client.GetResponseAsync("Hello", null, TestContext.Current.CancellationToken);

        var ids = handler.Requests.Select(r => RouterClientHost.Header(r, "X-Request-Id")).ToList();
        Assert.Equal(2, ids.Count);
        Assert.NotNull(ids[0]);
        Assert.Equal(ids[0], ids[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_ErrorStatus_ExceptionCarriesRequestId(bool stream)
    {
        var handler = new InMemoryHandler(_ => InMemoryHandler.Json("""{"error":{"message":"bad","type":"BadRequestError","param":null,"code":400}}""", HttpStatusCode.BadRequest));
        using var client = RouterClientHost.Chat(handler);

        var ex = await Assert.ThrowsAsync<VllmException>(() => RouterClientHost.RunAsync(client, new ChatOptions().WithRequestId("req-7"), stream));

        Assert.Equal("req-7", ex.RequestId);
    }

    [Fact]
    public async Task GetResponseAsync_NoConnection_ExceptionCarriesTheSentRequestId()
    {
        var handler = new InMemoryHandler(_ => throw new HttpRequestException("refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        using var client = RouterClientHost.Chat(handler, o => o.Retry.MaxAttempts = 1);

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync("Hello", new ChatOptions().WithRequestId("req-8"), TestContext.Current.CancellationToken));

        Assert.Equal("req-8", ex.RequestId);
    }

    [Theory]
    [InlineData("close;2")]
    [InlineData("no-done")]
    [InlineData("malformed-chunk;2")]
    [InlineData("oversized-line;65536")]
    public async Task GetStreamingResponseAsync_StreamBreaks_ExceptionCarriesRequestId(string fault)
    {
        await using var server = await ChatTests.ChatTestHost.StartAsync();
        using var client = ChatTests.ChatTestHost.Client(server, o =>
        {
            o.Headers[Connectors.Vllm.Testing.VllmTestFault.HeaderName] = fault;
            o.MaxSseLineBytes = 4096;
        });

        var ex = await Assert.ThrowsAsync<VllmException>(() => RouterClientHost.RunAsync(client, new ChatOptions().WithRequestId("req-9"), stream: true));

        Assert.Equal("req-9", ex.RequestId);
    }

    [Fact]
    public async Task GenerateAsync_WithRequestHeaderAndRequestId_SendsBoth()
    {
        var handler = RouterClientHost.Handler();
        using var generator = new VllmEmbeddingGenerator(RouterClientHost.Options(), "intfloat/e5-small-v2", new HttpClient(handler));

        await generator.GenerateAsync(["a"], new EmbeddingGenerationOptions().WithRequestHeader("X-Tenant", "blue").WithRequestId("emb-1").WithInferenceObjective("batch"), TestContext.Current.CancellationToken);

        var request = handler.Requests.Single(r => r.Path.EndsWith("/embeddings", StringComparison.Ordinal));
        Assert.Equal("blue", RouterClientHost.Header(request, "X-Tenant"));
        Assert.Equal("emb-1", RouterClientHost.Header(request, "X-Request-Id"));
        Assert.Equal("batch", RouterClientHost.Header(request, "x-llm-d-inference-objective"));
    }

    [Fact]
    public async Task GetModelsAsync_Discovery_SendsARequestId()
    {
        var handler = RouterClientHost.Handler();
        using var discovery = new VllmModelDiscovery(RouterClientHost.Options(), new HttpClient(handler));

        await discovery.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Matches("^[0-9a-f]{32}$", RouterClientHost.Header(handler.Requests.Single(), "X-Request-Id"));
    }

    [Fact]
    public async Task TokenizeAsync_WithRequestHeader_SendsIt()
    {
        var handler = new InMemoryHandler(_ => InMemoryHandler.Json("""{"count":1,"max_model_len":8192,"tokens":[1]}"""));
        using var tokenizer = new VllmTokenizer(RouterClientHost.Options(), RouterClientHost.Model, new HttpClient(handler));

        await tokenizer.TokenizeAsync("hi", new VllmTokenizeOptions().WithRequestHeader("X-Tenant", "blue"), TestContext.Current.CancellationToken);

        Assert.Equal("blue", RouterClientHost.Header(handler.Requests.Single(), "X-Tenant"));
    }

    [Fact]
    public void ForPart_SecondBatch_GetsItsOwnSuffixedId()
    {
        var call = VllmRequestHeaders.Create("id");

        Assert.Equal("id", call.ForPart(0).RequestId);
        Assert.Equal("id-2", call.ForPart(2).RequestId);
    }

    [Fact]
    public void NewRequestId_ManyIds_Each32LowerHexDigitsAndAllDistinct()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => VllmRequestHeaders.NewRequestId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        // Every digit position varies (no fixed prefix or half left unwritten).
        for (var i = 0; i < 32; i++)
        {
            Assert.True(ids.Select(id => id[i]).Distinct().Count() > 8, $"digit {i} hardly varies");
        }
    }

    [Fact]
    public async Task GetResponseAsync_RequestHeadersAndSession_AllSentAlongsideTheRequestId()
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler);

        await client.GetResponseAsync("Hello", new ChatOptions().WithRequestHeader("X-Tenant", "blue").WithRequestHeader("X-Team", "ads").WithSessionId("s-1").WithRequestId("r-1"), TestContext.Current.CancellationToken);

        var chat = handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("blue", RouterClientHost.Header(chat, "X-Tenant"));
        Assert.Equal("ads", RouterClientHost.Header(chat, "X-Team"));
        Assert.Equal("s-1", RouterClientHost.Header(chat, "X-Session-ID"));
        Assert.Equal("r-1", RouterClientHost.Header(chat, "X-Request-Id"));
    }
}
