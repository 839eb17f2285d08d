using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Tests.Unit.TestHttp;
using OpenAI.Chat;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

public sealed class VllmOpenAIClientFactoryTests
{
    private static readonly string ChatResponse = TestFiles.Read("chat-response.example.json");

    [Fact]
    public async Task Create_NoApiKey_SendsNoAuthorizationAndOurUserAgent()
    {
        var handler = InMemoryHandler.Answering(ChatResponse);
        using var http = new HttpClient(handler);
        var endpoint = VllmEndpoint.Resolve(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1") });
        using var transport = new VllmTransport(endpoint, http);
        var client = VllmOpenAIClientFactory.Create(transport);

        await client.GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Same(http, transport.HttpClient);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:9/v1/chat/completions", request.Uri.ToString());
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.StartsWith("Connectors.Vllm/", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.DoesNotContain(request.Headers.Keys, k => k.StartsWith("X-Stainless", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OpenAI-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Create_WithApiKeyAndHeaders_SendsBearerAndConfiguredHeaders()
    {
        var handler = InMemoryHandler.Answering(ChatResponse);
        using var http = new HttpClient(handler);
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1"), ApiKey = "sk-test" };
        options.Headers["X-Team"] = "search";
        using var transport = new VllmTransport(VllmEndpoint.Resolve(options), http);
        var client = VllmOpenAIClientFactory.Create(transport);

        await client.GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        Assert.Equal("search", request.Headers["X-Team"]);
    }

#pragma warning disable OPENAI001 // StoredOutputEnabled/Metadata/ServiceTier are what the SDK would send to OpenAI; we check they are stripped.
    [Fact]
    public async Task Create_SdkConvenienceCallWithOpenAIOnlyFields_FieldsStripped()
    {
        var handler = InMemoryHandler.Answering(ChatResponse);
        using var http = new HttpClient(handler);
        using var transport = new VllmTransport(VllmEndpoint.Resolve(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1") }), http);
        var client = VllmOpenAIClientFactory.Create(transport);
        var options = new ChatCompletionOptions { StoredOutputEnabled = true, ServiceTier = ChatServiceTier.Auto, ReasoningEffortLevel = ChatReasoningEffortLevel.High, Temperature = 0.5f, SafetyIdentifier = "user-1" };
        options.Metadata["k"] = "v";

        await client.GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")], options, TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(Assert.Single(handler.Requests).Body);
        var names = body.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.DoesNotContain("store", names);
        Assert.DoesNotContain("metadata", names);
        Assert.DoesNotContain("service_tier", names);
        Assert.DoesNotContain("reasoning_effort", names);
        Assert.DoesNotContain("safety_identifier", names); // the chat writer's list and the policy's are one
        Assert.Equal(0.5, body.RootElement.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("m", body.RootElement.GetProperty("model").GetString());
    }
#pragma warning restore OPENAI001

    [Fact]
    public async Task Create_BodyThisLibraryWrote_SentAsWrittenOthersRewritten()
    {
        var handler = InMemoryHandler.Answering(ChatResponse);
        using var http = new HttpClient(handler);
        using var transport = new VllmTransport(VllmEndpoint.Resolve(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1") }), http);
        var client = VllmOpenAIClientFactory.Create(transport);
        const string Body = """{"model":"m","messages":[],"store":false}""";

        await client.GetChatClient("m").CompleteChatAsync(new VllmJsonContent(System.Text.Encoding.UTF8.GetBytes(Body)), new System.ClientModel.Primitives.RequestOptions());
        await client.GetChatClient("m").CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(Body)), new System.ClientModel.Primitives.RequestOptions());

        Assert.Equal(Body, System.Text.Encoding.UTF8.GetString(handler.Requests[0].Body));
        Assert.Equal("""{"model":"m","messages":[]}""", System.Text.Encoding.UTF8.GetString(handler.Requests[1].Body));
    }

    [Fact]
    public void Create_SyncCallWith429ThenSuccess_RetriedThroughSyncPipeline()
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ =>
        {
            if (++calls == 1)
            {
                var busy = InMemoryHandler.Json("{\"error\":\"busy\"}", (System.Net.HttpStatusCode)429);
                busy.Headers.TryAddWithoutValidation("Retry-After", "0");
                return busy;
            }

            return InMemoryHandler.Json(ChatResponse);
        });
        using var http = new HttpClient(handler);
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1"), Retry = new VllmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } };
        using var transport = new VllmTransport(VllmEndpoint.Resolve(options), http);
        var client = VllmOpenAIClientFactory.Create(transport);

        var completion = client.GetChatClient("m").CompleteChat([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi! How can I help you today?", completion.Value.Content[0].Text);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.False(r.Headers.ContainsKey("Authorization")));
    }

    [Fact]
    public void RequestBodyRewriter_CleanBody_ReturnsNull()
    {
        var body = """{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}}"""u8;

        Assert.Null(VllmRequestBodyRewriter.Rewrite(body));
    }

    [Fact]
    public void RequestBodyRewriter_StreamWithoutUsage_AddsIncludeUsageKeepsOtherOptions()
    {
        var body = """{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":true},"store":false}"""u8;

        var rewritten = VllmRequestBodyRewriter.Rewrite(body);

        using var doc = JsonDocument.Parse(rewritten!);
        Assert.False(doc.RootElement.TryGetProperty("store", out _));
        Assert.True(doc.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("stream_options").GetProperty("continuous_usage_stats").GetBoolean());
    }

    [Theory]
    [InlineData("5", 5000)]
    [InlineData("0.01", 10)]
    public void RetryPolicy_TryParseRetryAfter_Seconds(string value, int expectedMs)
    {
        Assert.True(Connectors.Vllm.Http.VllmBackoff.TryParseRetryAfter(value, out var delay));
        Assert.Equal(expectedMs, (int)delay.TotalMilliseconds);
    }
}
