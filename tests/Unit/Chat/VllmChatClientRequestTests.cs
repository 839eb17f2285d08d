using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>What goes on the wire for each option: exact JSON (normalised) and headers, against the strict test server.</summary>
public sealed class VllmChatClientRequestTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_NoOptions_MinimalBody(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", null, stream);

        ChatTestHost.AssertJsonEqual(
            """{"model":"test-model","messages":[{"role":"user","content":"Hello"}]}""",
            ChatTestHost.WithoutStreamFields(ChatTestHost.LastChatBody(server), stream));
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/version", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_TypedOptions_ExactBodyAndInstructionsMergedIntoSystemMessage(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions
        {
            Instructions = "Be brief.",
            Temperature = 0.5f,
            TopP = 0.9f,
            TopK = 40,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.2f,
            Seed = 7,
            MaxOutputTokens = 100,
            StopSequences = ["END"],
        };

        await ChatTestHost.RunAsync(client, [new ChatMessage(ChatRole.System, "You are a test."), new ChatMessage(ChatRole.User, "Hello")], options, stream);

        ChatTestHost.AssertJsonEqual(
            """
            {"model":"test-model",
             "messages":[{"role":"system","content":"Be brief.\n\nYou are a test."},{"role":"user","content":"Hello"}],
             "temperature":0.5,"top_p":0.9,"frequency_penalty":0.1,"presence_penalty":0.2,"top_k":40,"seed":7,
             "max_completion_tokens":100,"stop":["END"]}
            """,
            ChatTestHost.WithoutStreamFields(ChatTestHost.LastChatBody(server), stream));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_InstructionsWithoutSystemMessage_OneSystemMessageFirst(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Instructions = "Be brief." }, stream);

        var messages = ChatTestHost.LastChatBody(server)["messages"]!.AsArray();
        ChatTestHost.AssertJsonEqual("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]""", messages);
    }

    [Theory]
    [InlineData("0.5.4", "max_tokens")]
    [InlineData("0.27.1", "max_completion_tokens")]
    public async Task Request_MaxOutputTokens_FieldChosenByServerVersion(string version, string field)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = version);
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { MaxOutputTokens = 50 }, stream: false);

        var body = ChatTestHost.LastChatBody(server);
        Assert.Equal(50, (int)body[field]!);
        Assert.Single(body, p => p.Key is "max_tokens" or "max_completion_tokens");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_VllmExtras_SentUnderWireNamesAndUnknownKeysNot(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions()
            .WithMinP(0.05f)
            .WithRepetitionPenalty(1.1f)
            .WithMinTokens(1)
            .WithStopTokenIds(7, 8)
            .WithBadWords("bad")
            .WithEnableThinking(false)
            .WithCacheSalt("salt")
            .WithPriority(0)
            .WithRequestId("req-1")
            .WithVllmOption(VllmChatOptionsExtensions.SkipSpecialTokens, false)
            .WithVllmOption(VllmChatOptionsExtensions.VllmXargs, new System.Collections.Generic.Dictionary<string, object?> { ["k"] = 1 });
        options.AdditionalProperties!["not_a_vllm_field"] = "x";

        var run = await ChatTestHost.RunAsync(client, "Hello", options, stream);

        ChatTestHost.AssertJsonEqual(
            """
            {"model":"test-model","messages":[{"role":"user","content":"Hello"}],
             "min_p":0.05,"repetition_penalty":1.1,"min_tokens":1,"stop_token_ids":[7,8],"bad_words":["bad"],
             "chat_template_kwargs":{"enable_thinking":false},"cache_salt":"salt","priority":0,"request_id":"req-1",
             "skip_special_tokens":false,"vllm_xargs":{"k":1}}
            """,
            ChatTestHost.WithoutStreamFields(ChatTestHost.LastChatBody(server), stream));
        Assert.Equal("chatcmpl-req-1", run.Response.ResponseId);
    }

    [Fact]
    public async Task Request_ContinuousUsageStats_InsideStreamOptions()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithContinuousUsageStats(), stream: true);

        ChatTestHost.AssertJsonEqual("""{"include_usage":true,"continuous_usage_stats":true}""", ChatTestHost.LastChatBody(server)["stream_options"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_Headers_NoAttributionNoAuthorizationWithoutKeyAndOurUserAgent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", null, stream);

        var headers = ChatTestHost.ChatRequests(server)[^1].Headers;
        Assert.False(headers.ContainsKey("Authorization"));
        Assert.StartsWith("Connectors.Vllm/", headers["User-Agent"], StringComparison.Ordinal);
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("X-Stainless", StringComparison.OrdinalIgnoreCase)
            || k.Equals("OpenAI-Organization", StringComparison.OrdinalIgnoreCase) || k.Equals("OpenAI-Project", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("application/json", headers["Content-Type"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_WithApiKeyAndHeaders_BearerAndConfiguredHeadersSent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ApiKey = "k-123");
        using var client = ChatTestHost.Client(server, o =>
        {
            o.ApiKey = "k-123";
            o.Headers["X-Team"] = "search";
        });

        await ChatTestHost.RunAsync(client, "Hello", null, stream);

        var headers = ChatTestHost.ChatRequests(server)[^1].Headers;
        Assert.Equal("Bearer k-123", headers["Authorization"]);
        Assert.Equal("search", headers["X-Team"]);
    }

    [Theory]
    [InlineData(false, ReasoningEffort.High, "high")]
    [InlineData(true, ReasoningEffort.ExtraHigh, "xhigh")]
    [InlineData(false, ReasoningEffort.None, "none")]
    public async Task Request_ReasoningEffortOnDeclaredReasoningModel_SentAsVllmValue(bool stream, ReasoningEffort effort, string expected)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "r1", Reasoning = true }), model: "vllm/r1");

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } }, stream);

        Assert.Equal(expected, (string)ChatTestHost.LastChatBody(server)["reasoning_effort"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_MoreThanOneChoice_NotSupportedBeforeSendingAndOneIsSent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions().WithVllmOption(VllmChatOptionsExtensions.N, 3), stream));
        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithVllmOption(VllmChatOptionsExtensions.N, 1), stream);

        Assert.Contains("n\"] = 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Make 3 calls", ex.Message, StringComparison.Ordinal);
        var sent = Assert.Single(ChatTestHost.ChatRequests(server));
        Assert.Equal(1, (int)System.Text.Json.Nodes.JsonNode.Parse(sent.Body)!["n"]!);
    }

    [Fact]
    public async Task Request_ReasoningEffortNotAcceptedByVllm_ThrowsArgumentExceptionBeforeSending()
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "r1", Reasoning = true }), model: "r1");

        await Assert.ThrowsAsync<ArgumentException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions().WithReasoningEffort("turbo"), stream: false));

        Assert.Empty(ChatTestHost.ChatRequests(server));
    }

#pragma warning disable OPENAI001 // The SDK's OpenAI-only options are set on purpose: the test checks they never reach vLLM.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_RawRepresentationFactory_CallerValuesWinAndOpenAIOnlyFieldsDropped(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions
        {
            Temperature = 0.9f,
            TopP = 0.5f,
            RawRepresentationFactory = _ =>
            {
                var raw = new ChatCompletionOptions { Temperature = 0.3f, StoredOutputEnabled = true, ServiceTier = ChatServiceTier.Default };
                raw.Metadata["m"] = "v";
                return raw;
            },
        };

        await ChatTestHost.RunAsync(client, "Hello", options, stream);

        ChatTestHost.AssertJsonEqual(
            """{"model":"test-model","messages":[{"role":"user","content":"Hello"}],"temperature":0.3,"top_p":0.5}""",
            ChatTestHost.WithoutStreamFields(ChatTestHost.LastChatBody(server), stream));
    }
#pragma warning restore OPENAI001

#pragma warning disable SCME0001 // JsonPatch is the SDK's documented way to add a field its model does not have.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_FieldTheLibraryDoesNotKnow_SentThroughRawRepresentationFactoryPatch(bool stream)
    {
        // A field of a vLLM newer than this library: not a VllmChatOptionsExtensions constant, so AdditionalProperties
        // would not send it; the raw options' JSON patch does. (Strict = false: the strict test server refuses fields its
        // emulated vLLM does not have, where real vLLM ignores them.)
        await using var server = await ChatTestHost.StartAsync(o => o.Strict = false);
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions
        {
            RawRepresentationFactory = _ =>
            {
                var raw = new ChatCompletionOptions();
                raw.Patch.Set("$.some_new_vllm_field"u8, 42);
                raw.Patch.Set("$.some_new_vllm_object"u8, BinaryData.FromString("""{"a":[1,2]}"""));
                return raw;
            },
        };

        await ChatTestHost.RunAsync(client, "Hello", options, stream);

        ChatTestHost.AssertJsonEqual(
            """{"model":"test-model","messages":[{"role":"user","content":"Hello"}],"some_new_vllm_field":42,"some_new_vllm_object":{"a":[1,2]}}""",
            ChatTestHost.WithoutStreamFields(ChatTestHost.LastChatBody(server), stream));
    }
#pragma warning restore SCME0001

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_ModelRef_PrefixRemovedAndOptionsModelWins(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.Models.Add(VllmTestModel.Chat("org/model-a"));
            o.Models.Add(VllmTestModel.Chat("org/model-b"));
        });
        using var client = ChatTestHost.Client(server, model: "vllm/org/model-a");

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { ModelId = "vllm/org/model-b" }, stream);

        Assert.Equal("org/model-b", (string)ChatTestHost.LastChatBody(server)["model"]!);
        Assert.Equal("org/model-b", run.Response.ModelId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_NoModelAnywhereOneServed_UsesTheServedModel(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, model: null);

        await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Equal("test-model", (string)ChatTestHost.LastChatBody(server)["model"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_NoModelAnywhereTwoServed_ThrowsListingThem(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.Models.Add(VllmTestModel.Chat("alpha"));
            o.Models.Add(VllmTestModel.Chat("beta"));
        });
        using var client = ChatTestHost.Client(server, model: null);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Contains("alpha", ex.Message, StringComparison.Ordinal);
        Assert.Contains("beta", ex.Message, StringComparison.Ordinal);
        Assert.Empty(ChatTestHost.ChatRequests(server));
    }
}
