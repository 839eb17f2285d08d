namespace Connectors.Vllm.ChatProtocol;

/// <summary>What the chat client resolved before writing a request.</summary>
/// <param name="ModelId">The model id sent as <c>model</c>.</param>
/// <param name="Model">The model entry (configured or discovered), or <see langword="null"/>.</param>
/// <param name="Features">What the server version accepts.</param>
/// <param name="Stream">Whether the response is streamed.</param>
internal sealed record VllmChatRequest(string ModelId, VllmModelDefinition? Model, VllmServerFeatures Features, bool Stream)
{
    /// <summary>The assistant-message field that sends the history's reasoning back, or <see langword="null"/> when
    /// there is none to send or the server version reads no such field.</summary>
    public string? ReasoningField { get; init; }

    /// <summary>The <c>reasoning_effort</c> to send (already in a value the server version accepts), or
    /// <see langword="null"/> for none.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>Whether to send <c>include_reasoning: false</c> (<see cref="Microsoft.Extensions.AI.ReasoningOutput.None"/>).</summary>
    public bool ExcludeReasoning { get; init; }

    /// <summary>The bytes of inline media (before base64) the body carries, already checked against
    /// <see cref="VllmProviderOptions.MaxInlineMediaBytes"/>; 0 for none.</summary>
    public long InlineMediaBytes { get; init; }
}
