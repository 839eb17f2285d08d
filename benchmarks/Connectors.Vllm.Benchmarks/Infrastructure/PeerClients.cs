using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>The peers, each built the way its documentation shows for a custom OpenAI-compatible endpoint, with defaults otherwise.</summary>
internal static class PeerClients
{
    public static IChatClient StockChat(Uri v1, string model)
        => new ChatClient(model, new ApiKeyCredential(BenchInputs.ApiKey), new OpenAIClientOptions { Endpoint = v1 }).AsIChatClient();

    /// <summary>Stock MEAI over a given <see cref="HttpClient"/> (the SDK's documented <c>Transport</c> option).</summary>
    public static IChatClient StockChat(Uri v1, string model, HttpClient http)
        => new ChatClient(model, new ApiKeyCredential(BenchInputs.ApiKey), new OpenAIClientOptions { Endpoint = v1, Transport = new HttpClientPipelineTransport(http) }).AsIChatClient();

    public static IEmbeddingGenerator<string, Embedding<float>> StockEmbeddings(Uri v1, string model)
        => new EmbeddingClient(model, new ApiKeyCredential(BenchInputs.ApiKey), new OpenAIClientOptions { Endpoint = v1 }).AsIEmbeddingGenerator();

    /// <summary>SK's connector on its own (non-seekable, real network) response streams.</summary>
    public static IChatCompletionService SkChat(Uri v1, string model)
#pragma warning disable SKEXP0010 // The custom-endpoint constructor is SK's documented way to reach an OpenAI-compatible server.
        => new OpenAIChatCompletionService(model, v1, BenchInputs.ApiKey);
#pragma warning restore SKEXP0010

#pragma warning disable CS0618 // SK marks its embedding service obsolete in favour of MEAI's generator (= the stock MEAI row); it is still what SK users call.
    public static OpenAITextEmbeddingGenerationService SkEmbeddings(Uri v1, string model)
        => new(model, new OpenAIClient(new ApiKeyCredential(BenchInputs.ApiKey), new OpenAIClientOptions { Endpoint = v1 }));
#pragma warning restore CS0618
}
