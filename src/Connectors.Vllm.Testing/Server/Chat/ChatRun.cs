namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The outcome of one scripted generation, before it is written as JSON or SSE.</summary>
/// <param name="Events">The steps actually generated (after max_tokens truncation).</param>
/// <param name="Calls">The tool calls the model makes.</param>
/// <param name="FinishReason">The finish reason.</param>
/// <param name="StopReason">The stop string or token that ended generation, if any.</param>
/// <param name="CompletionTokens">How many completion tokens the run used.</param>
/// <param name="Named">Named tool_choice: guided JSON, finish "stop", no content key in deltas.</param>
/// <param name="Thinking">Whether the model thinks before answering.</param>
/// <param name="HideReasoning">Whether the request turned reasoning off (<c>include_reasoning: false</c>).</param>
internal sealed record ChatRun(
    List<PlanEvent> Events, List<PlannedCall> Calls, string FinishReason, string? StopReason, int CompletionTokens, bool Named, bool Thinking, bool HideReasoning)
{
    /// <summary>Whether reasoning text is returned: the model thinks and the request did not turn it off.</summary>
    public bool ShowReasoning => Thinking && !HideReasoning;
}
