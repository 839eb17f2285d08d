using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>Sets a metric's reason and pass/fail interpretation in one place, so every evaluator reports the same way.</summary>
internal static class MetricOutcome
{
    public static T Pass<T>(T metric, string reason)
        where T : EvaluationMetric
    {
        metric.Reason = reason;
        metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Good, failed: false, reason);
        return metric;
    }

    public static T Fail<T>(T metric, string reason)
        where T : EvaluationMetric
    {
        metric.Reason = reason;
        metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Unacceptable, failed: true, reason);
        metric.AddDiagnostics(EvaluationDiagnostic.Error(reason));
        return metric;
    }

    public static T Of<T>(T metric, bool passed, string reason)
        where T : EvaluationMetric
        => passed ? Pass(metric, reason) : Fail(metric, reason);
}
