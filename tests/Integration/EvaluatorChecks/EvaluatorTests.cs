using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.EvaluatorChecks;

/// <summary>
/// Our evaluators judged on hand-made conversations: each passes a good one and fails a bad one with a reason, so a
/// green scenario means the evaluator looked, not that it could not fail.
/// </summary>
public sealed class EvaluatorTests
{
    private static readonly AIFunction Weather = AIFunctionFactory.Create((string city) => city, "get_weather", "Weather for a city.");
    private static readonly AIFunction Clock = AIFunctionFactory.Create(() => "12:00", "get_time", "The time.");

    [Fact]
    public async Task ToolCallCorrectness_RightToolValidArgumentsAnswered_Passes()
    {
        var result = await EvaluateToolsAsync(new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }), "c1");

        AssertPassed(result, ToolCallCorrectnessEvaluator.CorrectnessMetricName);
        Assert.Equal(1, result.Get<NumericMetric>(ToolCallCorrectnessEvaluator.CallCountMetricName).Value);
    }

    [Fact]
    public async Task ToolCallCorrectness_WrongTool_FailsNamingExpectedTool()
    {
        var result = await EvaluateToolsAsync(new FunctionCallContent("c1", "get_time", new Dictionary<string, object?>()), "c1");

        AssertFailed(result, ToolCallCorrectnessEvaluator.CorrectnessMetricName, "'get_weather' was not called");
    }

    [Fact]
    public async Task ToolCallCorrectness_ArgumentsBreakSchema_FailsWithPath()
    {
        var result = await EvaluateToolsAsync(new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["town"] = "Paris" }), "c1");

        AssertFailed(result, ToolCallCorrectnessEvaluator.CorrectnessMetricName, "the required property 'city' is missing");
    }

    [Fact]
    public async Task ToolCallCorrectness_CallWithoutResult_Fails()
    {
        var result = await EvaluateToolsAsync(new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }), resultFor: null);

        AssertFailed(result, ToolCallCorrectnessEvaluator.CorrectnessMetricName, "got no result");
    }

    [Theory]
    [InlineData("""{"name":"Paris"}""", true, null)]
    [InlineData("""{"name":3}""", false, "$.name: expected string")]
    [InlineData("""Paris is a city.""", false, "not JSON")]
    public async Task StructuredOutput_Answer_JudgedAgainstSchema(string answer, bool passes, string? reason)
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""");
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer));

        var result = await new StructuredOutputEvaluator().EvaluateAsync([], response, additionalContext: [new JsonSchemaExpectation(schema.RootElement.Clone())], cancellationToken: TestContext.Current.CancellationToken);

        if (passes)
        {
            AssertPassed(result, StructuredOutputEvaluator.ConformanceMetricName);
        }
        else
        {
            AssertFailed(result, StructuredOutputEvaluator.ConformanceMetricName, reason!);
        }
    }

    [Fact]
    public async Task UsageAccounting_StreamedMatchesAndAddsUp_Passes()
    {
        var result = await EvaluateUsageAsync(Usage(10, 16, 26), Usage(10, 16, 26));

        AssertPassed(result, UsageAccountingEvaluator.StreamedMatchesMetricName);
        AssertPassed(result, UsageAccountingEvaluator.TotalsMetricName);
    }

    [Fact]
    public async Task UsageAccounting_StreamedDiffers_FailsShowingBoth()
    {
        var result = await EvaluateUsageAsync(Usage(10, 16, 26), Usage(10, 15, 25));

        AssertFailed(result, UsageAccountingEvaluator.StreamedMatchesMetricName, "in=10 out=15 total=25");
        AssertPassed(result, UsageAccountingEvaluator.TotalsMetricName);
    }

    [Fact]
    public async Task UsageAccounting_TotalDoesNotAddUp_Fails()
    {
        var result = await EvaluateUsageAsync(Usage(10, 16, 30), Usage(10, 16, 30));

        AssertFailed(result, UsageAccountingEvaluator.TotalsMetricName, "does not add up");
    }

    [Fact]
    public async Task UsageAccounting_StreamWithoutUsage_Fails()
    {
        var result = await EvaluateUsageAsync(Usage(10, 16, 26), streamed: null);

        AssertFailed(result, UsageAccountingEvaluator.StreamedMatchesMetricName, "missing");
        AssertFailed(result, UsageAccountingEvaluator.TotalsMetricName, "streamed run reported no usage");
    }

    [Fact]
    public async Task Latency_MeasuredRun_RecordsTimeToFirstTokenAndDecodeRate()
    {
        var streamed = new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")) { Usage = Usage(5, 11, 16) };
        var run = new StreamedRun(streamed, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(600));

        var result = await new LatencyEvaluator().EvaluateAsync([], streamed, additionalContext: [run], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(100, result.Get<NumericMetric>(LatencyEvaluator.TimeToFirstTokenMetricName).Value!.Value, 3);
        Assert.Equal(20, result.Get<NumericMetric>(LatencyEvaluator.TokensPerSecondMetricName).Value!.Value, 3);
        Assert.DoesNotContain(result.Metrics.Values, m => m.Interpretation?.Failed == true);
    }

    [Fact]
    public async Task Latency_NoTokenArrived_Fails()
    {
        var streamed = new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Empty));
        var run = new StreamedRun(streamed, timeToFirstToken: null, TimeSpan.FromMilliseconds(600));

        var result = await new LatencyEvaluator().EvaluateAsync([], streamed, additionalContext: [run], cancellationToken: TestContext.Current.CancellationToken);

        AssertFailed(result, LatencyEvaluator.TimeToFirstTokenMetricName, "no content arrived");
    }

    private static async Task<EvaluationResult> EvaluateToolsAsync(FunctionCallContent call, string? resultFor)
    {
        var response = new ChatResponse([new ChatMessage(ChatRole.Assistant, [call])]);
        if (resultFor is not null)
        {
            response.Messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(resultFor, "sunny")]));
        }

        return await new ToolCallCorrectnessEvaluator().EvaluateAsync(
            [new ChatMessage(ChatRole.User, "weather?")], response, additionalContext: [new ToolCallExpectation("get_weather", [Weather, Clock])], cancellationToken: TestContext.Current.CancellationToken);
    }

    private static async Task<EvaluationResult> EvaluateUsageAsync(UsageDetails plain, UsageDetails? streamed)
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")) { Usage = plain };
        var run = new StreamedRun(new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")) { Usage = streamed }, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2));
        return await new UsageAccountingEvaluator().EvaluateAsync([], response, additionalContext: [run], cancellationToken: TestContext.Current.CancellationToken);
    }

    private static UsageDetails Usage(long input, long output, long total) =>
        new() { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = total };

    private static void AssertPassed(EvaluationResult result, string metric)
    {
        var m = result.Metrics[metric];
        Assert.False(m.Interpretation?.Failed ?? true, $"{metric} passed: {m.Interpretation?.Reason}");
    }

    private static void AssertFailed(EvaluationResult result, string metric, string reasonPart)
    {
        var m = result.Metrics[metric];
        Assert.True(m.Interpretation?.Failed, $"{metric} failed");
        Assert.Contains(reasonPart, m.Interpretation!.Reason, StringComparison.Ordinal);
    }
}
