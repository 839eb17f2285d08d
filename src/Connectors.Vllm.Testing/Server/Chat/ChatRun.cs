namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The outcome of one scripted generation, before it is written as JSON or SSE.</summary>
internal sealed class ChatRun
{
    public ChatRun(List<PlanEvent> events, List<PlannedCall> calls, string finishReason, string? stopReason, int completionTokens, bool named, bool thinking, bool hideReasoning)
    {
        Events = events;
        Calls = calls;
        FinishReason = finishReason;
        StopReason = stopReason;
        CompletionTokens = completionTokens;
        Named = named;
        Thinking = thinking;
        ShowReasoning = thinking && !hideReasoning;
    }

    /// <summary>The steps actually generated (after max_tokens truncation).</summary>
    public List<PlanEvent> Events { get; }

    public List<PlannedCall> Calls { get; }

    public string FinishReason { get; }

    public string? StopReason { get; }

    public int CompletionTokens { get; }

    /// <summary>Named tool_choice: guided JSON, finish "stop", no content key in deltas.</summary>
    public bool Named { get; }

    public bool Thinking { get; }

    public bool ShowReasoning { get; }
}
