namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>Who is measured. "Ours" is just another entry.</summary>
internal enum ClientKind
{
    /// <summary>Connectors.Vllm (VllmChatClient, VllmEmbeddingGenerator, VllmModelDiscovery).</summary>
    Ours,

    /// <summary>Stock Microsoft.Extensions.AI.OpenAI over the OpenAI SDK (AsIChatClient / AsIEmbeddingGenerator).</summary>
    StockMeai,

    /// <summary>Semantic Kernel's OpenAI connector with a custom endpoint.</summary>
    SemanticKernel,

    /// <summary>HttpClient + SseParser + Utf8JsonReader: the practical floor on .NET.</summary>
    Raw,
}
