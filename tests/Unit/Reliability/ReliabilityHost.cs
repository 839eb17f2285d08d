using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>Test servers, fast-failing options, and one call per matrix surface that checks the full answer arrived.</summary>
internal static class ReliabilityHost
{
    /// <summary>The API key in every reliability test; it must never show up anywhere.</summary>
    public const string Canary = "sk-canary-7f3a9c2e41d8b6f0";

    public const string ChatModel = VllmTestServerOptions.DefaultModelId;

    public const string EmbeddingModel = "embedder";

    public const string Prompt = "Hello there, how are you today, my friend?";

    public static Task<VllmTestServer> StartAsync(int port = 0, string? apiKey = Canary)
    {
        var options = new VllmTestServerOptions { ApiKey = apiKey, Port = port };
        options.Models.Add(VllmTestModel.Chat(ChatModel));
        options.Models.Add(VllmTestModel.Embedding(EmbeddingModel, dimensions: 64));
        return VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>Short timeouts and tiny retry delays, so every failure is quick.</summary>
    public static VllmProviderOptions Options(Uri baseUrl, string? apiKey = Canary) => new()
    {
        BaseUrl = baseUrl,
        ApiKey = apiKey,
        AllowPrivateNetwork = true,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        FirstByteTimeout = TimeSpan.FromSeconds(1),
        StreamIdleTimeout = TimeSpan.FromSeconds(1),
        MaxSseLineBytes = 16 * 1024,
        Retry = new VllmRetryOptions
        {
            MaxAttempts = 3,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(20),
            MaxTotalTime = TimeSpan.FromSeconds(5),
        },
    };

    public static Uri PortUrl(int port) => new($"http://127.0.0.1:{port}/v1");

    /// <summary>Runs one call; returns the health report for <see cref="MatrixSurface.Health"/>, null otherwise.
    /// Throws <see cref="InvalidDataException"/> when an answer arrives shortened.</summary>
    public static async Task<VllmHealthReport?> RunAsync(MatrixSurface surface, SurfaceClients clients, CancellationToken cancellationToken)
    {
        switch (surface)
        {
            case MatrixSurface.Chat:
                {
                    var response = await clients.Chat.GetResponseAsync(Prompt, cancellationToken: cancellationToken);
                    ExpectEcho(response.Text);
                    return null;
                }

            case MatrixSurface.StreamingChat:
                {
                    var text = new StringBuilder();
                    await foreach (var update in clients.Chat.GetStreamingResponseAsync(Prompt, cancellationToken: cancellationToken))
                    {
                        text.Append(update.Text);
                    }

                    ExpectEcho(text.ToString());
                    return null;
                }

            case MatrixSurface.Embeddings:
                {
                    string[] inputs = ["alpha beta", "gamma delta", "epsilon"];
                    var embeddings = await clients.Embeddings.GenerateAsync(inputs, cancellationToken: cancellationToken);
                    if (embeddings.Count != inputs.Length || embeddings.Any(e => e.Vector.Length != 64))
                    {
                        throw new InvalidDataException($"shortened answer: {embeddings.Count} embeddings");
                    }

                    return null;
                }

            case MatrixSurface.Discovery:
                {
                    clients.Discovery.Invalidate();
                    var models = await clients.Discovery.GetModelsAsync(cancellationToken);
                    if (!models.Any(m => m.Id == ChatModel) || !models.Any(m => m.Id == EmbeddingModel))
                    {
                        throw new InvalidDataException($"shortened answer: {models.Count} models");
                    }

                    return null;
                }

            case MatrixSurface.Health:
                return await clients.Health.ProbeAsync(cancellationToken);

            default:
                throw new ArgumentOutOfRangeException(nameof(surface), surface, null);
        }
    }

    /// <summary>Request paths a surface's call touches (to count attempts).</summary>
    public static IReadOnlyList<string> PathsOf(MatrixSurface surface) => surface switch
    {
        MatrixSurface.Chat or MatrixSurface.StreamingChat => ["/v1/chat/completions"],
        MatrixSurface.Embeddings => ["/v1/embeddings"],
        MatrixSurface.Discovery => ["/v1/models"],
        _ => ["/health"],
    };

    private static void ExpectEcho(string text)
    {
        var expected = "[test-model] echo: " + Prompt;
        if (!string.Equals(text, expected, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"shortened answer: '{text}'");
        }
    }
}
