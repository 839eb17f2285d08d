namespace Connectors.Vllm.ChatProtocol;

/// <summary>The parser families whose markup <see cref="VllmToolCallMarkup"/> reads.</summary>
internal enum VllmToolCallFamily
{
    Hermes,
    Qwen3Coder,
    Llama3Json,
    Mistral,
}
