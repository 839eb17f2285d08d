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
/// Checks the tool calls of a conversation (the request messages plus the response, so calls made and answered by
/// function-invocation middleware count): the expected tool was called, every call names an offered tool, its
/// arguments validate against that tool's JSON schema, and every call got a result that is not an error.
/// Needs a <see cref="ToolCallExpectation"/>.
/// </summary>
internal sealed class ToolCallCorrectnessEvaluator : IEvaluator
{
    public const string CorrectnessMetricName = "Tool Call Correctness";
    public const string CallCountMetricName = "Tool Calls";

    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [CorrectnessMetricName, CallCountMetricName];

    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelResponse);
        var correctness = new BooleanMetric(CorrectnessMetricName);
        var count = new NumericMetric(CallCountMetricName);
        var result = new EvaluationResult(correctness, count);
        var expectation = additionalContext?.OfType<ToolCallExpectation>().FirstOrDefault();
        if (expectation is null)
        {
            MetricOutcome.Fail(correctness, $"No {ToolCallExpectation.ContextName} context was given.");
            return new(result);
        }

        var contents = messages.Concat(modelResponse.Messages).SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().ToList();
        var results = contents.OfType<FunctionResultContent>().ToDictionary(r => r.CallId, StringComparer.Ordinal);
        count.Value = calls.Count;
        MetricOutcome.Pass(count, $"{calls.Count} tool call(s): {string.Join(", ", calls.Select(c => c.Name))}");

        var problems = new List<string>();
        if (!calls.Any(c => c.Name == expectation.ExpectedTool))
        {
            problems.Add($"the expected tool '{expectation.ExpectedTool}' was not called");
        }

        foreach (var call in calls)
        {
            var tool = expectation.Tools.FirstOrDefault(t => t.Name == call.Name);
            if (tool is null)
            {
                problems.Add($"'{call.Name}' is not one of the offered tools");
                continue;
            }

            if (call.Exception is not null)
            {
                problems.Add($"the arguments of '{call.Name}' could not be parsed: {call.Exception.Message}");
                continue;
            }

            var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
            problems.AddRange(JsonSchemaSubset.Validate(tool.JsonSchema, arguments).Select(e => $"'{call.Name}' arguments {arguments.GetRawText()}: {e}"));
            if (!results.TryGetValue(call.CallId, out var answer))
            {
                problems.Add($"the call '{call.CallId}' to '{call.Name}' got no result");
            }
            else if (answer.Exception is not null)
            {
                problems.Add($"the call '{call.CallId}' to '{call.Name}' failed: {answer.Exception.Message}");
            }
        }

        MetricOutcome.Of(
            correctness,
            problems.Count == 0,
            problems.Count == 0 ? $"'{expectation.ExpectedTool}' called with schema-valid arguments and answered" : string.Join("; ", problems));
        correctness.Value = problems.Count == 0;
        return new(result);
    }
}
