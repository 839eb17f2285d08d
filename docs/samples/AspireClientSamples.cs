using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DocsSamples;

/// <summary>Snippets of docs/aspire.md (client integration) and src/Connectors.Vllm.Aspire/README.md.</summary>
public static class AspireClientSamples
{
    /// <summary>A project that an AppHost references to its vLLM resource.</summary>
    public static IChatClient ClientIntegration(string[] args)
    {
        #region snippet_aspire_client
        var builder = Host.CreateApplicationBuilder(args);

        // ConnectionStrings:vllm comes from the AppHost's .WithReference(vllm).
        // The container's address is private: approve it (here, or "Aspire:Vllm:AllowPrivateNetwork": true).
        builder.AddVllmChatClient("vllm", settings => settings.AllowPrivateNetwork = true)
            .UseFunctionInvocation();
        builder.AddKeyedVllmEmbeddingGenerator("embeddings", settings => settings.AllowPrivateNetwork = true);

        using var host = builder.Build();
        var chat = host.Services.GetRequiredService<IChatClient>();
        var embeddings = host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("embeddings");
        #endregion
        return chat;
    }
}
