using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>
/// Interleaved thinking: an assistant message's <see cref="TextReasoningContent"/> goes back to vLLM as the message's
/// <c>reasoning</c> field (which vLLM hands to the chat template); MEAI's own mapping would drop it.
/// </summary>
public sealed class VllmChatClientReasoningHistoryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task History_AssistantWithReasoning_SentAsReasoningField(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatMessage[] history =
        [
            new(ChatRole.User, "What is 2+2?"),
            new(ChatRole.Assistant, [new TextReasoningContent("Two plus two "), new TextReasoningContent("is four."), new TextContent("4")]),
            new(ChatRole.User, "And \"3+3\"?"),
        ];

        await ChatTestHost.RunAsync(client, history, null, stream);

        ChatTestHost.AssertJsonEqual(
            """
            [{"role":"user","content":"What is 2+2?"},
             {"role":"assistant","content":"4","reasoning":"Two plus two is four."},
             {"role":"user","content":"And \"3+3\"?"}]
            """,
            ChatTestHost.LastChatBody(server)["messages"]!);
    }

    [Fact]
    public async Task History_LazySequenceWithReasoning_ReadOnceAndSentWhole()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var enumerations = 0;
        IEnumerable<ChatMessage> History()
        {
            enumerations++;
            yield return new ChatMessage(ChatRole.User, "Hi");
            yield return new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("greet back"), new TextContent("Hello!")]);
            yield return new ChatMessage(ChatRole.User, "Bye");
        }

        await client.GetResponseAsync(History(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, enumerations);
        var messages = ChatTestHost.LastChatBody(server)["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        Assert.Equal("greet back", (string)messages[1]!["reasoning"]!);
    }

    [Theory]
    [InlineData("0.27.1", "reasoning")]
    [InlineData("0.22.0", "reasoning")]
    [InlineData("0.18.0", null)]
    [InlineData("0.15.1", "reasoning_content")]
    [InlineData("0.10.0", "reasoning_content")]
    public async Task History_AssistantReasoning_FieldChosenByServerVersion(string version, string? field)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = version); // strict: an ignored key is a 400
        using var client = ChatTestHost.Client(server);
        ChatMessage[] history =
        [
            new(ChatRole.User, "Hi"),
            new(ChatRole.Assistant, [new TextReasoningContent("greet back"), new TextContent("Hello!")]),
            new(ChatRole.User, "Bye"),
        ];

        await ChatTestHost.RunAsync(client, history, null, stream: false);

        var assistant = ChatTestHost.LastChatBody(server)["messages"]!.AsArray()[1]!.AsObject();
        Assert.Equal(["role", "content", .. field is null ? Array.Empty<string>() : [field]], assistant.Select(p => p.Key));
        if (field is not null)
        {
            Assert.Equal("greet back", (string)assistant[field]!);
        }
    }

    [Fact]
    public async Task History_NoReasoningAnywhere_MessagesUnchanged()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatMessage[] history = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello!"), new(ChatRole.User, "Bye")];

        await ChatTestHost.RunAsync(client, history, null, stream: false);

        ChatTestHost.AssertJsonEqual(
            """[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Bye"}]""",
            ChatTestHost.LastChatBody(server)["messages"]!);
    }

    [Fact]
    public async Task History_ReasoningOnUserOrEmpty_NotSent()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatMessage[] history =
        [
            new(ChatRole.User, [new TextReasoningContent("not mine to send"), new TextContent("Hi")]),
            new(ChatRole.Assistant, [new TextReasoningContent(string.Empty), new TextContent("Hello!")]),
            new(ChatRole.User, "Bye"),
        ];

        await ChatTestHost.RunAsync(client, history, null, stream: false);

        var messages = ChatTestHost.LastChatBody(server)["messages"]!.AsArray();
        Assert.All(messages, m => Assert.Null(m!["reasoning"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolLoop_ReasoningModel_SecondRequestCarriesTheToolCallReasoning(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("thinker")));
        using var inner = ChatTestHost.Client(server, model: "thinker");
        using var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();
        var weather = AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather");

        var run = await ChatTestHost.RunAsync(client, "What is the weather in Paris? Use get_weather.", new ChatOptions { Tools = [weather] }, stream);

        var firstTurn = run.Response.Messages.First(m => m.Contents.OfType<FunctionCallContent>().Any());
        var thought = string.Concat(firstTurn.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.NotEmpty(thought);
        var requests = ChatTestHost.ChatRequests(server);
        Assert.Equal(2, requests.Count);
        var assistant = JsonNode.Parse(requests[1].Body)!["messages"]!.AsArray()[1]!;
        Assert.Equal("assistant", (string)assistant["role"]!);
        Assert.NotNull(assistant["tool_calls"]);
        Assert.Equal(thought, (string)assistant["reasoning"]!);
    }
}
