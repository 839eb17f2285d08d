using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Tokenizer counts against usage; the token-budget reducer.</content>
public abstract partial class VllmIntegrationTests
{
    private const string NoTokenizer = "the server has no vLLM-shaped /tokenize route.";

    [Fact]
    public async Task CountTokensAsync_ChatMessages_EqualsPromptTokensTheServerBills()
    {
        Require(Kind.Capabilities.Tokenizer, NoTokenizer);
        var tokenizer = new VllmTokenizer(Kind.Options, Kind.ChatModel);
        using var client = CreateChatClient();
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Name three primary colours."),
        ];

        var counted = await tokenizer.CountTokensAsync(messages, Ct);
        var response = await client.GetResponseAsync(messages, ShortAnswer(8), Ct);

        Assert.True(counted > 0);
        if (Kind.ReasoningModel == Kind.ChatModel)
        {
            // enable_thinking=false changes the rendered template a little; only the order of magnitude is comparable.
            Assert.InRange(response.Usage!.InputTokenCount!.Value, counted - 8, counted + 8);
        }
        else
        {
            Assert.Equal(counted, response.Usage!.InputTokenCount);
        }
    }

    [Fact]
    public async Task UseVllmTokenBudget_ConversationLongerThanWindow_SentWithinWindow()
    {
        Require(Kind.Capabilities.Tokenizer, NoTokenizer);
        const int Window = 1024;
        const int Output = 32;
        var tokenizer = new VllmTokenizer(Kind.Options, Kind.ChatModel);
        // enable_thinking=false (sent when the chat model is a reasoning model) renders a few template tokens the
        // reducer does not count; that is what SafetyMarginTokens is for.
        var margin = Kind.ReasoningModel == Kind.ChatModel ? 16 : 0;
        var reducer = new VllmTokenBudgetChatReducer(tokenizer, new VllmTokenBudgetOptions { ContextWindow = Window, MaxOutputTokens = Output, SafetyMarginTokens = margin });
        using var inner = CreateChatClient();
        using var client = new ChatClientBuilder(inner).UseVllmTokenBudget(reducer).Build();
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are a helpful assistant.") };
        for (var turn = 0; turn < 40; turn++)
        {
            var n = turn.ToString(CultureInfo.InvariantCulture);
            messages.Add(new(ChatRole.User, $"Turn {n}: please remember that the parcel number {n} was shipped to the warehouse on the north side of the river, next to the old mill."));
            messages.Add(new(ChatRole.Assistant, $"Noted: parcel {n} went to the north warehouse by the old mill, on the river."));
        }

        messages.Add(new(ChatRole.User, "Reply with the single word OK."));
        var before = await tokenizer.CountTokensAsync(messages, Ct);
        Assert.True(before > Window, $"the conversation ({before} tokens) is longer than the {Window}-token budget");

        var response = await client.GetResponseAsync(messages, ShortAnswer(Output), Ct);

        Assert.NotNull(response.Usage?.InputTokenCount);
        Assert.True(response.Usage.InputTokenCount + Output <= Window, $"sent {response.Usage.InputTokenCount} prompt tokens + {Output} output within {Window}");
        if (Kind.TestServer is not null)
        {
            // The newest turn and the system message survive; the oldest turns are the ones dropped.
            var sent = LastRequestBody("/v1/chat/completions").GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal("system", sent[0].GetProperty("role").GetString());
            Assert.Equal("Reply with the single word OK.", ContentText(sent[^1].GetProperty("content")));
            Assert.True(sent.Count < messages.Count);
        }
    }
}
