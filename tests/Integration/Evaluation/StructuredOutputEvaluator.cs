using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>
/// Checks that a response's text parses as JSON and validates against the schema in the
/// <see cref="JsonSchemaExpectation"/> (the subset <see cref="JsonSchemaSubset"/> understands).
/// </summary>
internal sealed class StructuredOutputEvaluator : IEvaluator
{
    public const string ConformanceMetricName = "Structured Output Conformance";

    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [ConformanceMetricName];

    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var metric = new BooleanMetric(ConformanceMetricName);
        var result = new EvaluationResult(metric);
        var expectation = additionalContext?.OfType<JsonSchemaExpectation>().FirstOrDefault();
        if (expectation is null)
        {
            MetricOutcome.Fail(metric, $"No {JsonSchemaExpectation.ContextName} context was given.");
            return new(result);
        }

        var text = modelResponse.Text;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            metric.Value = false;
            MetricOutcome.Fail(metric, $"The answer is not JSON ({ex.Message}): {Shorten(text)}");
            return new(result);
        }

        using (document)
        {
            var errors = JsonSchemaSubset.Validate(expectation.Schema, document.RootElement);
            metric.Value = errors.Count == 0;
            MetricOutcome.Of(metric, errors.Count == 0, errors.Count == 0 ? "The answer validates against the schema." : string.Join("; ", errors) + " in " + Shorten(text));
        }

        return new(result);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");
}
