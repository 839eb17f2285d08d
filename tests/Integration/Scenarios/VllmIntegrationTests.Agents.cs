using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Agent turns that must not derail (issue 19): a required tool call is kept, a history as Agent Framework
/// writes it (authors, our tool-call ids) is accepted, logprobs come back typed. On a real vLLM the tool scenarios need a
/// tool-calling model and the parser the kind names (<c>--enable-auto-tool-choice --tool-call-parser</c>).</content>
public abstract partial class VllmIntegrationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireAny_AnswerIsAToolCall(bool streaming)
    {
        Require(Kind.Capabilities.Tools, "tool calling is not enabled (vLLM needs --enable-auto-tool-choice --tool-call-parser; then set VLLM_TOOLS=1).");
        using var client = CreateChatClient();
        var options = ShortAnswer(256);
        options.Tools = [AIFunctionFactory.Create((string city) => $"{city}: sunny", "get_weather", "Gets the current weather for a city.")];
        options.ToolMode = ChatToolMode.RequireAny;
        var messages = Ask("What is the weather in Paris? Use get_weather.");

        // Without a call this throws VllmException (the server's parser missed the model's call).
        var response = streaming ? (await StreamAsync(client, messages, options)).Response : await client.GetResponseAsync(messages, options, Ct);

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal("get_weather", c.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AgentHistoryWithAuthorsAndToolResult_Answered(bool streaming)
    {
        Require(Kind.Capabilities.Tools, "tool calling is not enabled (vLLM needs --enable-auto-tool-choice --tool-call-parser; then set VLLM_TOOLS=1).");
        using var client = CreateChatClient();
        var options = ShortAnswer(128);
        options.Tools = [AIFunctionFactory.Create((string city) => $"{city}: sunny", "get_weather", "Gets the current weather for a city.")];
        const string CallId = "a1B2c3D4e"; // the form this library makes up: 9 letters and digits
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "What is the weather in Paris? Answer in one sentence.") { AuthorName = "user" },
            new(ChatRole.Assistant, [new FunctionCallContent(CallId, "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]) { AuthorName = "WeatherAgent" },
            new(ChatRole.Tool, [new FunctionResultContent(CallId, "Paris: 21 degrees Celsius, sunny")]),
        ];

        var response = streaming ? (await StreamAsync(client, messages, options)).Response : await client.GetResponseAsync(messages, options, Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text), "the model answered after the tool result");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithLogprobs_TypedTokensOfTheAnswer(bool streaming)
    {
        Require(Kind.Capabilities.Logprobs, "the server does not return per-token logprobs.");
        using var client = CreateChatClient();
        var options = ShortAnswer(16).WithLogprobs(2);
        var messages = Ask("Say hello.");

        var response = streaming ? (await StreamAsync(client, messages, options)).Response : await client.GetResponseAsync(messages, options, Ct);

        var tokens = response.GetVllmLogprobs();
        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.True(t.Logprob <= 0, $"logprob {t.Logprob} of '{t.Token}' is at most 0"));
        Assert.All(tokens, t => Assert.InRange(t.TopLogprobs.Count, 1, 2));
        Assert.True(tokens.Count <= 16, $"{tokens.Count} tokens for at most 16 generated");
    }
}
