using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Kinds;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <summary>
/// The scenarios a user relies on, run against every server kind (one derived class per kind, as in MEAI's
/// <c>ChatClientIntegrationTests</c>). Each scenario first asks the kind whether it can run: an unavailable kind or a
/// missing capability skips at run time with the reason and how to enable it.
/// </summary>
public abstract partial class VllmIntegrationTests
{
    private const int ShortAnswerTokens = 64;

    /// <summary>Initializes the suite for one kind (its class fixture).</summary>
    /// <param name="kind">The server kind.</param>
    protected VllmIntegrationTests(ServerKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        Kind = kind;
    }

    /// <summary>Gets the server kind the scenarios run against.</summary>
    protected ServerKind Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Skips (kind unavailable) or fails (kind asked for but broken) before a scenario does anything.</summary>
    private void RequireKind()
    {
        if (Kind.SkipReason is { } skip)
        {
            Assert.Skip($"[{Kind.Name}] {skip}");
        }

        if (Kind.StartupError is { } error)
        {
            Assert.Fail(error);
        }
    }

    private void Require(bool available, string why)
    {
        RequireKind();
        Assert.SkipUnless(available, $"[{Kind.Name}] {why}");
    }

    private VllmChatClient CreateChatClient(string? model = null, VllmProviderOptions? options = null) =>
        new(options ?? Kind.Options, model ?? Kind.ChatModel);

    /// <summary>Options for a short, repeatable answer. When the chat model is itself a reasoning model, thinking is
    /// switched off so that the token limit goes to the answer.</summary>
    private ChatOptions ShortAnswer(int maxTokens = ShortAnswerTokens)
    {
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0f, Seed = 7 };
        if (Kind.ReasoningModel is not null && Kind.ReasoningModel == Kind.ChatModel)
        {
            options.WithEnableThinking(false);
        }

        return options;
    }

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    /// <summary>The JSON body of the last request the test server received on <paramref name="path"/>.</summary>
    private JsonElement LastRequestBody(string path)
    {
        var request = Kind.TestServer!.Requests.Last(r => r.Path == path);
        using var document = JsonDocument.Parse(request.Body);
        return document.RootElement.Clone();
    }

    /// <summary>Streams a request, timing the first content and the end, and coalesces the updates.</summary>
    private static async Task<(ChatResponse Response, List<ChatResponseUpdate> Updates, TimeSpan? FirstToken, TimeSpan Total)> StreamAsync(
        IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        var updates = new List<ChatResponseUpdate>();
        TimeSpan? first = null;
        var clock = Stopwatch.StartNew();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, Ct))
        {
            if (first is null && update.Contents.Any(c => c is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 } or FunctionCallContent))
            {
                first = clock.Elapsed;
            }

            updates.Add(update);
        }

        var total = clock.Elapsed;
        return (updates.ToChatResponse(), updates, first, total);
    }

    /// <summary>The text of an OpenAI message <c>content</c>: a string, or an array of text parts.</summary>
    private static string ContentText(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "text").Select(p => p.GetProperty("text").GetString()));

    private static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return (float)(dot / (Math.Sqrt(na) * Math.Sqrt(nb)));
    }
}
