using System;
using System.Net.Http;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>
/// Our clients, built exactly as a user would. Each part compiles only when the type exists in this
/// build (HAS_VLLM_CHAT / HAS_VLLM_EMBED / HAS_VLLM_DISCOVERY are set by the project file from the
/// sources present); otherwise the "ours" rows say "not available in this build" and carry no figure.
/// </summary>
internal static class OursClients
{
    public const string NotAvailable = "not available in this build";

#if HAS_VLLM_CHAT
    public static bool ChatAvailable => true;
#else
    public static bool ChatAvailable => false;
#endif

#if HAS_VLLM_EMBED
    public static bool EmbeddingsAvailable => true;
#else
    public static bool EmbeddingsAvailable => false;
#endif

#if HAS_VLLM_DISCOVERY
    public static bool DiscoveryAvailable => true;
#else
    public static bool DiscoveryAvailable => false;
#endif

    /// <summary>The bytes path needs an opt-in whose shape is defined by the embed branch.</summary>
    public static bool EmbeddingsBytesAvailable => EmbeddingsBytesOptions() is not null;

    public static bool IsAvailable(OursFeature feature) => feature switch
    {
        OursFeature.Chat => ChatAvailable,
        OursFeature.Embeddings => EmbeddingsAvailable,
        OursFeature.EmbeddingsBytes => EmbeddingsAvailable && EmbeddingsBytesAvailable,
        OursFeature.Discovery => DiscoveryAvailable,
        _ => true,
    };

    /// <summary>The options that switch our generator to vLLM's binary "bytes" encoding, or null while unknown.</summary>
    public static EmbeddingGenerationOptions? EmbeddingsBytesOptions()
    {
#if HAS_VLLM_EMBED
        return new EmbeddingGenerationOptions().WithEncoding(VllmEmbeddingEncoding.Bytes);
#else
        return null;
#endif
    }

    public static VllmProviderOptions Options(Uri v1) => new()
    {
        BaseUrl = v1,
        ApiKey = BenchInputs.ApiKey,
        AllowPrivateNetwork = true,
    };

    /// <summary>Our chat client; <paramref name="http"/> (the constructor's documented parameter) replaces the one it would create.</summary>
    public static IChatClient? Chat(Uri v1, string model, HttpClient? http = null)
    {
#if HAS_VLLM_CHAT
        return new VllmChatClient(Options(v1), model, http);
#else
        _ = v1;
        _ = model;
        _ = http;
        return null;
#endif
    }

    /// <summary>Our chat client with its <see cref="VllmProviderOptions.ToolCallRecovery"/> set (the variant rows that show what
    /// recovery costs per chunk).</summary>
    public static IChatClient? Chat(Uri v1, string model, VllmToolCallRecovery toolCallRecovery)
    {
#if HAS_VLLM_CHAT
        var options = Options(v1);
        options.ToolCallRecovery = toolCallRecovery;
        return new VllmChatClient(options, model);
#else
        _ = v1;
        _ = model;
        _ = toolCallRecovery;
        return null;
#endif
    }

    public static IEmbeddingGenerator<string, Embedding<float>>? Embeddings(Uri v1, string model)
    {
#if HAS_VLLM_EMBED
        return new VllmEmbeddingGenerator(Options(v1), model);
#else
        _ = v1;
        _ = model;
        return null;
#endif
    }
}
