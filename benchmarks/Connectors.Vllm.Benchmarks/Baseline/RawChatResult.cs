namespace Connectors.Vllm.Benchmarks.Baseline;

/// <summary>What the raw baseline extracts from a chat response.</summary>
internal sealed class RawChatResult
{
    public int TextChunks { get; set; }

    public int TextLength { get; set; }

    public string? FinishReason { get; set; }

    public int TotalTokens { get; set; }

    public string? ResponseId { get; set; }

    public string? ToolName { get; set; }

    public string? ToolCallId { get; set; }

    public int ToolArgumentCount { get; set; }
}
