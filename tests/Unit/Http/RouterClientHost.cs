using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>Clients on the in-memory handler for the router-facing behaviour (headers, request ids, sessions, errors, retries).</summary>
internal static class RouterClientHost
{
    public const string Model = "meta-llama/Llama-3.2-1B-Instruct";

    public static VllmProviderOptions Options(string baseUrl = "http://router.test/v1", Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions
        {
            BaseUrl = new Uri(baseUrl),
            Retry = new VllmRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        };
        configure?.Invoke(options);
        return options;
    }

    public static VllmChatClient Chat(InMemoryHandler handler, Action<VllmProviderOptions>? configure = null, string baseUrl = "http://router.test/v1")
        => new(Options(baseUrl, configure), Model, new HttpClient(handler));

    /// <summary>A handler: chat answers (JSON or SSE by the request's <c>stream</c>), embeddings, models; <paramref name="adjust"/>
    /// may add response headers.</summary>
    public static InMemoryHandler Handler(Action<InMemoryRequest, HttpResponseMessage>? adjust = null)
        => new(request =>
        {
            var path = request.Path;
            HttpResponseMessage response;
            if (path.EndsWith("/models", StringComparison.Ordinal))
            {
                response = InMemoryHandler.Text(TestFiles.Read("models-response.example.json"), "application/json");
            }
            else if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                response = InMemoryHandler.Text(TestFiles.Read("embeddings-response.example.json"), "application/json");
            }
            else if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                var stream = request.Body.Length > 0 && request.Json.TryGetProperty("stream", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
                response = stream
                    ? InMemoryHandler.Text(TestFiles.Read("chat-stream-text.example.sse"), "text/event-stream")
                    : InMemoryHandler.Text(TestFiles.Read("chat-response.example.json"), "application/json");
            }
            else
            {
                response = InMemoryHandler.Text("{\"detail\":\"Not Found\"}", "application/json", HttpStatusCode.NotFound);
            }

            adjust?.Invoke(request, response);
            return response;
        });

    /// <summary>One chat call, streamed (updates combined) or not; the streamed updates too.</summary>
    public static async Task<(ChatResponse Response, List<ChatResponseUpdate>? Updates)> RunAsync(IChatClient client, ChatOptions? options, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        if (!stream)
        {
            return (await client.GetResponseAsync("Hello", options, ct), null);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Hello", options, ct))
        {
            updates.Add(update);
        }

        return (updates.ToChatResponse(), updates);
    }

    public static string? Header(InMemoryRequest request, string name) => request.Headers.TryGetValue(name, out var value) ? value : null;
}
