using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Chat, streaming with usage, reasoning.</content>
public abstract partial class VllmIntegrationTests
{
    private const string CountingPrompt =
        "Count upwards from one to two hundred in words, separated by commas, without stopping early: one, two, three, four, five, six, seven";

    [Fact]
    public async Task GetResponseAsync_SimplePrompt_ReturnsTextUsageAndModel()
    {
        RequireKind();
        using var client = CreateChatClient();

        var response = await client.GetResponseAsync(Ask("Say hello in one short sentence."), ShortAnswer(), Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.NotNull(response.FinishReason);
        Assert.NotNull(response.ModelId);
        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 0, "input tokens reported");
        Assert.True(response.Usage.OutputTokenCount > 0, "output tokens reported");
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SameRequest_UsageMatchesNonStreamedAndLatencyIsRecorded()
    {
        Require(Kind.Capabilities.StreamUsage, "the server does not send usage on streams (stream_options.include_usage).");
        using var client = CreateChatClient();
        var messages = Ask(CountingPrompt);

        // A length-capped answer: both runs stop at the same output token count, whatever the model writes.
        var plain = await client.GetResponseAsync(messages, ShortAnswer(16), Ct);
        var (streamed, updates, first, total) = await StreamAsync(client, messages, ShortAnswer(16));

        Assert.False(string.IsNullOrWhiteSpace(streamed.Text));
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        var run = new StreamedRun(streamed, first, total);
        var evaluator = new CompositeEvaluator(new UsageAccountingEvaluator(), new LatencyEvaluator());
        var result = await evaluator.EvaluateAsync(messages, plain, additionalContext: [run], cancellationToken: Ct);
        Kind.Evaluations.RecordAndAssert("streaming-usage-latency", result);
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningModel_SeparatesReasoningFromAnswer()
    {
        Require(Kind.ReasoningModel is not null, "no reasoning model is configured (VLLM_REASONING_MODEL, served with --reasoning-parser).");
        using var client = CreateChatClient(Kind.ReasoningModel);

        var response = await client.GetResponseAsync(Ask("What is 2 + 3? Answer with the number only."), new ChatOptions { MaxOutputTokens = 1024, Temperature = 0f }, Ct);

        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.False(string.IsNullOrWhiteSpace(reasoning), "the reasoning came back as TextReasoningContent");
        if (response.FinishReason == ChatFinishReason.Stop)
        {
            Assert.False(string.IsNullOrWhiteSpace(response.Text), "a finished answer has text besides the reasoning");
            Assert.DoesNotContain(reasoning.Trim(), response.Text, System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningModelFollowUp_HistoryWithReasoningAccepted()
    {
        Require(Kind.ReasoningModel is not null, "no reasoning model is configured (VLLM_REASONING_MODEL, served with --reasoning-parser).");
        using var client = CreateChatClient(Kind.ReasoningModel);
        var options = new ChatOptions { MaxOutputTokens = 1024, Temperature = 0f };
        var history = Ask("What is 2 + 3? Answer with the number only.");

        var first = await client.GetResponseAsync(history, options, Ct);
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.User, "Now add 4 to that. Answer with the number only."));
        var second = await client.GetResponseAsync(history, options, Ct);

        // The first answer's reasoning went back in the history (interleaved thinking); the server took it.
        Assert.Contains(first.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent { Text.Length: > 0 });
        Assert.NotNull(second.Usage);
        Assert.True(second.Usage.InputTokenCount > first.Usage!.InputTokenCount, "the follow-up carried the history");
        Assert.False(string.IsNullOrWhiteSpace(second.Text) && second.FinishReason == ChatFinishReason.Stop, "a finished follow-up has an answer");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReasoningModel_StreamsReasoningBeforeAnswer()
    {
        Require(Kind.ReasoningModel is not null, "no reasoning model is configured (VLLM_REASONING_MODEL, served with --reasoning-parser).");
        using var client = CreateChatClient(Kind.ReasoningModel);

        var (response, updates, _, _) = await StreamAsync(client, Ask("What is 2 + 3? Answer with the number only."), new ChatOptions { MaxOutputTokens = 1024, Temperature = 0f });

        var contents = updates.SelectMany(u => u.Contents).ToList();
        var firstReasoning = contents.FindIndex(c => c is TextReasoningContent { Text.Length: > 0 });
        var firstText = contents.FindIndex(c => c is TextContent { Text.Length: > 0 });
        Assert.True(firstReasoning >= 0, "reasoning deltas arrived as TextReasoningContent");
        if (response.FinishReason == ChatFinishReason.Stop)
        {
            Assert.True(firstText > firstReasoning, "the answer follows the reasoning");
        }

        Assert.NotNull(response.Usage);
    }
}
