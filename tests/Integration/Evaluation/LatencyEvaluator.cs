using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>
/// Records latency of a streamed run (a <see cref="StreamedRun"/>): time to first token and output tokens per second.
/// These are recorded for comparison between runs and never judged against a time limit; a metric fails only when it
/// could not be measured (no token arrived, no usage to count tokens with).
/// </summary>
internal sealed class LatencyEvaluator : IEvaluator
{
    public const string TimeToFirstTokenMetricName = "Time To First Token (ms)";
    public const string TokensPerSecondMetricName = "Output Tokens Per Second";
    public const string TotalMetricName = "Total Time (ms)";

    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [TimeToFirstTokenMetricName, TokensPerSecondMetricName, TotalMetricName];

    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        var ttft = new NumericMetric(TimeToFirstTokenMetricName);
        var rate = new NumericMetric(TokensPerSecondMetricName);
        var total = new NumericMetric(TotalMetricName);
        var result = new EvaluationResult(ttft, rate, total);
        var run = additionalContext?.OfType<StreamedRun>().FirstOrDefault();
        if (run is null)
        {
            MetricOutcome.Fail(ttft, $"No {StreamedRun.ContextName} context was given.");
            return new(result);
        }

        total.Value = run.Total.TotalMilliseconds;
        MetricOutcome.Pass(total, "measured");
        if (run.TimeToFirstToken is not { } first || first > run.Total)
        {
            MetricOutcome.Fail(ttft, "no content arrived before the stream ended");
            MetricOutcome.Fail(rate, "no content arrived, so no rate");
            return new(result);
        }

        ttft.Value = first.TotalMilliseconds;
        MetricOutcome.Pass(ttft, "measured");
        var tokens = run.Response.Usage?.OutputTokenCount;
        if (tokens is not > 0)
        {
            MetricOutcome.Fail(rate, "the stream reported no output token count");
            return new(result);
        }

        // Tokens after the first, over the time after the first: the decode rate, not diluted by queueing and prefill.
        var decode = (run.Total - first).TotalSeconds;
        rate.Value = decode > 0 && tokens > 1 ? (tokens.Value - 1) / decode : null;
        MetricOutcome.Pass(rate, rate.Value is null
            ? "one token or no measurable decode time"
            : string.Create(CultureInfo.InvariantCulture, $"{tokens} tokens, {decode:F3} s after the first"));
        return new(result);
    }
}
