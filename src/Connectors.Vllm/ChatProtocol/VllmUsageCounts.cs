namespace Connectors.Vllm.ChatProtocol;

/// <summary>A <c>usage</c> object's counts, held without allocation until one <see cref="UsageDetails"/> is needed.</summary>
internal struct VllmUsageCounts
{
    public bool Present;
    public long? Prompt;
    public long? Completion;
    public long? Total;
    public long? Cached;
    public long? Reasoning;

    public readonly UsageDetails ToUsageDetails() => new()
    {
        InputTokenCount = Prompt,
        OutputTokenCount = Completion,
        TotalTokenCount = Total ?? (Prompt + Completion),
        CachedInputTokenCount = Cached,
        ReasoningTokenCount = Reasoning,
    };
}
