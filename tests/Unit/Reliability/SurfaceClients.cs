using System;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>One client per surface, all from the same options (so "the next call" reuses their connections).</summary>
internal sealed class SurfaceClients : IDisposable
{
    public SurfaceClients(VllmProviderOptions options)
    {
        Options = options;
        Chat = new VllmChatClient(options, ReliabilityHost.ChatModel);
        Embeddings = new VllmEmbeddingGenerator(options, ReliabilityHost.EmbeddingModel);
        Discovery = new VllmModelDiscovery(options);
        Health = new VllmHealthProbe(options);
    }

    public VllmProviderOptions Options { get; }

    public VllmChatClient Chat { get; }

    public VllmEmbeddingGenerator Embeddings { get; }

    public VllmModelDiscovery Discovery { get; }

    public VllmHealthProbe Health { get; }

    public void Dispose()
    {
        Chat.Dispose();
        Embeddings.Dispose();
        Discovery.Dispose();
        Health.Dispose();
    }
}
