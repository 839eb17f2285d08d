using System;

namespace Connectors.Vllm.Soak;

/// <summary>The clients a soak phase shares (as an application would: one per process).</summary>
internal sealed class Clients : IDisposable
{
    public Clients(VllmProviderOptions options)
    {
        Chat = new VllmChatClient(options, Testing.VllmTestServerOptions.DefaultModelId);
        Embeddings = new VllmEmbeddingGenerator(options, "embedder");
    }

    public VllmChatClient Chat { get; }

    public VllmEmbeddingGenerator Embeddings { get; }

    public void Dispose()
    {
        Chat.Dispose();
        Embeddings.Dispose();
    }
}
