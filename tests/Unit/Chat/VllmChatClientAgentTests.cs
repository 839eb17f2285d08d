using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Diagnostics;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Answers that look successful but would derail an agent loop (issue 19): ids, finish reasons, required tools.</summary>
public sealed class VllmChatClientAgentTests
{
    private static VllmChatClient Create(InMemoryHandler handler, Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true };
        configure?.Invoke(options);
        return new(options, "m", new HttpClient(handler));
    }

    private static Task<ChatResponse> RunAsync(IChatClient client, ChatOptions? options, bool stream)
        => stream
            ? client.GetStreamingResponseAsync("Hi", options, TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken)
            : client.GetResponseAsync("Hi", options, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolCallWithoutId_GeneratedIdIsNineAlphanumerics(bool stream)
    {
        var call = stream
            ? "{'tool_calls':[{'index':0,'type':'function','function':{'name':'get_weather','arguments':'{}'}}]}"
            : "{'role':'assistant','content':null,'tool_calls':[{'type':'function','function':{'name':'get_weather','arguments':'{}'}}]}";
        using var client = Create(CannedServer.Choice(stream, call, "'finish_reason':'tool_calls'"));

        var response = await RunAsync(client, null, stream);

        var id = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).CallId;
        Assert.Matches("^[a-zA-Z0-9]{9}$", id);
    }

    private static AIFunction Weather() => AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather for a city.");

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public async Task RequireAny_ServerAnswersWithoutCall_VllmExceptionNamingParserFlags(bool stream, int? finishToolCalls)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall, finishToolCalls)));
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream));

        Assert.Contains("required a tool call (ToolMode RequireAny)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(finishToolCalls == 1 ? "finish reason tool_calls with an empty list" : "finish reason stop", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--enable-auto-tool-choice --tool-call-parser <parser>", ex.Hint, StringComparison.Ordinal);
        Assert.Equal("\"required\"", ChatTestHost.LastChatBody(server)["tool_choice"]!.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireSpecific_ServerAnswersWithoutCall_VllmExceptionNamingTheFunction(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall)));
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireSpecific("get_weather") }, stream));

        Assert.Contains("RequireSpecific(\"get_weather\")", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireAny_ServerCallsTool_NoException(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream);

        Assert.Single(run.Response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireAny_ServerBeforeRequired_SendsAutoAndHintNamesTheVersion(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.ServerVersion = "0.8.2";
            o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall));
        });
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream));

        Assert.Equal("\"auto\"", ChatTestHost.LastChatBody(server)["tool_choice"]!.ToJsonString());
        Assert.Null(ex.StatusCode);
        Assert.Contains("vLLM 0.8.2, which predates tool_choice \"required\" (added in v0.8.3)", ex.Hint, StringComparison.Ordinal);
    }

    private static ChatMessage[] AgentHistory(string callId) =>
    [
        new(ChatRole.User, "What is the weather in Paris?") { AuthorName = "user1" },
        new(ChatRole.Assistant, [new FunctionCallContent(callId, "get_weather", new System.Collections.Generic.Dictionary<string, object?> { ["city"] = "Paris" })]) { AuthorName = "WeatherAgent" },
        new(ChatRole.Tool, [new FunctionResultContent(callId, "sunny")]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MistralServer_MessagesWithAuthorNames_400HintNamesSendMessageNames(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.TokenizerMode = "mistral");
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.RunAsync(client, AgentHistory("abcDEF123"), null, stream));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("Extra inputs are not permitted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SendMessageNames = false", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendMessageNamesFalse_MistralServer_NoNameSentAndAnswered(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.TokenizerMode = "mistral");
        using var client = ChatTestHost.Client(server, o => o.SendMessageNames = false);
        var history = AgentHistory("abcDEF123");

        var run = await ChatTestHost.RunAsync(client, history, null, stream);

        Assert.StartsWith("[test-model] tool result: ", run.Response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\"", ChatTestHost.ChatRequests(server)[^1].Body.Replace("\"name\":\"get_weather\"", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("WeatherAgent", history[1].AuthorName); // the caller's messages are left alone
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendMessageNamesDefault_AuthorSentAsName(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, AgentHistory("abcDEF123"), null, stream);

        Assert.Equal("WeatherAgent", (string)ChatTestHost.LastChatBody(server)["messages"]![1]!["name"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MistralServer_ForeignToolCallId_400HintNamesTheIdForm(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.TokenizerMode = "mistral");
        using var client = ChatTestHost.Client(server, o => o.SendMessageNames = false);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.RunAsync(client, AgentHistory("call_0fypS1hVX"), null, stream));

        Assert.Equal("Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a length of 9.", ex.ServerMessage);
        Assert.Contains("9 letters and digits", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("--tokenizer-mode", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MistralServer_FunctionInvocationLoop_Completes(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.TokenizerMode = "mistral");
        using var inner = ChatTestHost.Client(server, o => o.SendMessageNames = false);
        using var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();

        var run = await ChatTestHost.RunAsync(client, [new ChatMessage(ChatRole.User, "What is the weather in Paris? Use get_weather.") { AuthorName = "user1" }], new ChatOptions { Tools = [Weather()] }, stream);

        Assert.Contains("sunny in Paris", run.Response.Text, StringComparison.Ordinal);
        Assert.Equal(2, ChatTestHost.ChatRequests(server).Count);
    }

    [Fact]
    public void TokenizeBody_SendMessageNamesFalse_NoNameInAnyMessage()
    {
        var with = System.Text.Encoding.UTF8.GetString(VllmTokenizer.BuildChatBody(AgentHistory("abcDEF123"), "m", null, null));
        var without = System.Text.Encoding.UTF8.GetString(VllmTokenizer.BuildChatBody(AgentHistory("abcDEF123"), "m", null, null, sendMessageNames: false));

        Assert.Contains("\"name\":\"WeatherAgent\"", with, StringComparison.Ordinal);
        Assert.DoesNotContain("WeatherAgent", without, StringComparison.Ordinal);
        Assert.DoesNotContain("user1", without, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "''", null)]
    [InlineData(true, "''", null)]
    [InlineData(false, "' '", null)]
    [InlineData(true, "' '", null)]
    [InlineData(false, "'eos_token'", "eos_token")]
    [InlineData(true, "'eos_token'", "eos_token")]
    public async Task FinishReason_EmptyOrUnknown_AnswerReadWithoutError(bool stream, string wire, string? expected)
    {
        using var client = Create(CannedServer.Choice(stream, "{'role':'assistant','content':'hi'}", "'finish_reason':" + wire));

        var response = await RunAsync(client, null, stream);

        Assert.Equal("hi", response.Text);
        Assert.Equal(expected, response.FinishReason?.Value);
    }

    [Theory]
    [InlineData(false, 5, true)]
    [InlineData(true, 5, true)]
    [InlineData(false, 200, false)]
    [InlineData(true, 200, false)]
    public async Task ReasoningModel_OutputLimitRunsOutWhileThinking_WarningNamesTheThreeFixes(bool stream, int maxOutputTokens, bool cut)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("thinker")));
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory, model: "thinker");

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { MaxOutputTokens = maxOutputTokens }, stream);

        Assert.Contains(run.Response.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent);
        var warnings = VllmLoggingTests.Ours(logs, "ReasoningWithoutAnswer");
        if (!cut)
        {
            Assert.NotEqual(string.Empty, run.Response.Text);
            Assert.Empty(warnings);
            return;
        }

        Assert.Equal(string.Empty, run.Response.Text); // left as the server sent it
        Assert.Equal(ChatFinishReason.Length, run.Response.FinishReason);
        var warning = Assert.Single(warnings);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("ran out while the model was thinking", warning.Message, StringComparison.Ordinal);
        Assert.Contains("MaxOutputTokens", warning.Message, StringComparison.Ordinal);
        Assert.Contains("WithThinkingTokenBudget", warning.Message, StringComparison.Ordinal);
        Assert.Contains("WithEnableThinking(false)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("[test-model] reasoning", warning.Message, StringComparison.Ordinal); // never the model's text
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    public async Task WithLogprobs_TestServer_TypedTokensOfTheWholeAnswer(bool stream, int top)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithLogprobs(top), stream);

        var body = ChatTestHost.LastChatBody(server);
        Assert.True((bool)body["logprobs"]!);
        Assert.Equal(top == 0 ? null : top, (int?)body["top_logprobs"]);
        var tokens = run.Response.GetVllmLogprobs();
        Assert.True(tokens.Count > 1);
        Assert.Equal(run.Response.Text, string.Concat(tokens.Select(t => t.Token)));
        Assert.All(tokens, t =>
        {
            Assert.InRange(t.Logprob, -1, 0);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(t.Token), t.Bytes);
            Assert.Equal(top, t.TopLogprobs.Count);
            if (top > 0)
            {
                Assert.Equal(t.Token, t.TopLogprobs[0].Token);
                Assert.Equal(t.Logprob, t.TopLogprobs[0].Logprob);
                Assert.Empty(t.TopLogprobs[0].TopLogprobs);
            }
        });
        if (stream)
        {
            // Each update carries its own tokens; together they are the answer's.
            Assert.Equal(tokens.Select(t => t.Token), run.Updates!.SelectMany(u => u.GetVllmLogprobs()).Select(t => t.Token));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NoLogprobsAsked_GetVllmLogprobs_Empty(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Empty(run.Response.GetVllmLogprobs());
        Assert.All(run.Updates ?? [], u => Assert.Empty(u.GetVllmLogprobs()));
        Assert.False(ChatTestHost.LastChatBody(server).ContainsKey("logprobs"));
    }

    [Fact]
    public void WithLogprobs_BelowMinusOne_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ChatOptions().WithLogprobs(-2));
}
