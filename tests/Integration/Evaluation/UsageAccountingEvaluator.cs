using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>
/// Checks usage accounting: the non-streamed response and the streamed run of the same request (a
/// <see cref="StreamedRun"/>) both report usage, each total is input + output, and the two agree token for token.
/// </summary>
internal sealed class UsageAccountingEvaluator : IEvaluator
{
    public const string TotalsMetricName = "Usage Totals Add Up";
    public const string StreamedMatchesMetricName = "Streamed Usage Matches";
    public const string InputTokensMetricName = "Input Tokens";
    public const string OutputTokensMetricName = "Output Tokens";

    public IReadOnlyCollection<string> EvaluationMetricNames { get; } =
        [TotalsMetricName, StreamedMatchesMetricName, InputTokensMetricName, OutputTokensMetricName];

    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var totals = new BooleanMetric(TotalsMetricName);
        var matches = new BooleanMetric(StreamedMatchesMetricName);
        var input = new NumericMetric(InputTokensMetricName, modelResponse.Usage?.InputTokenCount);
        var output = new NumericMetric(OutputTokensMetricName, modelResponse.Usage?.OutputTokenCount);
        MetricOutcome.Of(input, input.Value > 0, $"non-streamed input tokens: {input.Value?.ToString() ?? "none"}");
        MetricOutcome.Of(output, output.Value > 0, $"non-streamed output tokens: {output.Value?.ToString() ?? "none"}");
        var result = new EvaluationResult(totals, matches, input, output);
        var streamed = additionalContext?.OfType<StreamedRun>().FirstOrDefault()?.Response.Usage;
        var plain = modelResponse.Usage;

        var totalProblems = new List<string>();
        CheckTotals("non-streamed", plain, totalProblems);
        CheckTotals("streamed", streamed, totalProblems);
        totals.Value = totalProblems.Count == 0;
        MetricOutcome.Of(totals, totals.Value.Value, totalProblems.Count == 0 ? "input + output = total in both runs" : string.Join("; ", totalProblems));

        if (plain is null || streamed is null)
        {
            matches.Value = false;
            MetricOutcome.Fail(matches, streamed is null && additionalContext?.OfType<StreamedRun>().Any() != true
                ? $"No {StreamedRun.ContextName} context was given."
                : "usage is missing from one of the runs");
        }
        else
        {
            var same = plain.InputTokenCount == streamed.InputTokenCount
                && plain.OutputTokenCount == streamed.OutputTokenCount
                && plain.TotalTokenCount == streamed.TotalTokenCount;
            matches.Value = same;
            MetricOutcome.Of(matches, same, $"non-streamed {Show(plain)} vs streamed {Show(streamed)}");
        }

        return new(result);
    }

    private static void CheckTotals(string run, UsageDetails? usage, List<string> problems)
    {
        if (usage is null)
        {
            problems.Add($"the {run} run reported no usage");
        }
        else if (usage.InputTokenCount is null || usage.OutputTokenCount is null || usage.TotalTokenCount is null)
        {
            problems.Add($"the {run} usage is incomplete: {Show(usage)}");
        }
        else if (usage.InputTokenCount + usage.OutputTokenCount != usage.TotalTokenCount)
        {
            problems.Add($"the {run} usage does not add up: {Show(usage)}");
        }
    }

    private static string Show(UsageDetails usage) => $"in={usage.InputTokenCount} out={usage.OutputTokenCount} total={usage.TotalTokenCount}";
}
