using System;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>
/// What a streamed run of a request produced and when: its coalesced response and, measured by the caller, the time from
/// sending to the first content and to the end. Used by <see cref="UsageAccountingEvaluator"/> (streamed vs. non-streamed
/// usage) and <see cref="LatencyEvaluator"/>.
/// </summary>
internal sealed class StreamedRun : EvaluationContext
{
    public const string ContextName = "Streamed run";

    public StreamedRun(ChatResponse response, TimeSpan? timeToFirstToken, TimeSpan total)
        : base(ContextName, new TextContent(Describe(response, timeToFirstToken, total)))
    {
        Response = response;
        TimeToFirstToken = timeToFirstToken;
        Total = total;
    }

    public ChatResponse Response { get; }

    public TimeSpan? TimeToFirstToken { get; }

    public TimeSpan Total { get; }

    private static string Describe(ChatResponse response, TimeSpan? ttft, TimeSpan total) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"usage in={response.Usage?.InputTokenCount} out={response.Usage?.OutputTokenCount} total={response.Usage?.TotalTokenCount}; first token {ttft?.TotalMilliseconds:F1} ms; end {total.TotalMilliseconds:F1} ms");
}
