using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Starts the strict test server and builds clients for it; runs a call streamed or not.</summary>
internal static class ChatTestHost
{
    public const string ChatPath = "/v1/chat/completions";

    public static Task<VllmTestServer> StartAsync(Action<VllmTestServerOptions>? configure = null)
    {
        var options = new VllmTestServerOptions { Strict = true };
        configure?.Invoke(options);
        return VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public static VllmProviderOptions Options(VllmTestServer server, Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions
        {
            BaseUrl = server.BaseUrl,
            AllowPrivateNetwork = true,
            Retry = new VllmRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        };
        configure?.Invoke(options);
        return options;
    }

    public static VllmChatClient Client(VllmTestServer server, Action<VllmProviderOptions>? configure = null, string? model = VllmTestServerOptions.DefaultModelId)
        => new(Options(server, configure), model);

    /// <summary>One call, streamed (updates combined with ToChatResponse) or not.</summary>
    public static async Task<ChatRun> RunAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        if (!stream)
        {
            return new ChatRun(await client.GetResponseAsync(messages, options, ct), null);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, ct))
        {
            updates.Add(update);
        }

        return new ChatRun(updates.ToChatResponse(), updates);
    }

    public static Task<ChatRun> RunAsync(IChatClient client, string prompt, ChatOptions? options, bool stream)
        => RunAsync(client, [new ChatMessage(ChatRole.User, prompt)], options, stream);

    /// <summary>Drains a stream or awaits a response, for calls expected to throw.</summary>
    public static async Task CallAsync(IChatClient client, string prompt, ChatOptions? options, bool stream)
        => await RunAsync(client, prompt, options, stream);

    public static IReadOnlyList<RecordedRequest> ChatRequests(VllmTestServer server)
        => server.Requests.Where(r => r.Path == ChatPath).ToList();

    public static JsonObject LastChatBody(VllmTestServer server)
        => (JsonObject)JsonNode.Parse(ChatRequests(server)[^1].Body)!;

    /// <summary>The body without the streaming fields, so one expectation serves both modes; checks those fields first.</summary>
    public static JsonObject WithoutStreamFields(JsonObject body, bool stream)
    {
        if (stream)
        {
            Assert.True((bool)body["stream"]!);
            Assert.True((bool)body["stream_options"]!["include_usage"]!);
        }
        else
        {
            Assert.False(body.ContainsKey("stream"));
            Assert.False(body.ContainsKey("stream_options"));
        }

        var copy = (JsonObject)body.DeepClone();
        copy.Remove("stream");
        copy.Remove("stream_options");
        return copy;
    }

    public static void AssertJsonEqual(string expected, JsonNode actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"Expected {expectedNode!.ToJsonString()}\nActual   {actual.ToJsonString()}");
    }
}

/// <summary>A call's combined response, and the updates when it was streamed.</summary>
internal sealed record ChatRun(ChatResponse Response, IReadOnlyList<ChatResponseUpdate>? Updates);
