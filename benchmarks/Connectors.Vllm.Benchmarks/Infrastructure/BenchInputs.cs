using System;
using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>The identical logical request every client sends, per workload.</summary>
internal static class BenchInputs
{
    public const string ApiKey = "bench-key";

    /// <summary>Non-streaming small chat: the replay server answers with the chat-response example.</summary>
    public const string SmallModel = "bench-small";

    /// <summary>Streaming chat: 1,000 content chunks (about 240 bytes each on the wire), usage chunk, [DONE].</summary>
    public const int StreamChunks = 1000;

    public const string StreamModel = "bench-stream-1000";

    /// <summary>Tool-call stream (hermes shape): name delta + 64 arguments fragments.</summary>
    public const int ToolFragments = 64;

    public const string ToolModel = "bench-tool-64";

    public const string EmbedModel = "bench-embed-4096";

    public const int EmbedInputs = 256;

    public const int EmbedDimensions = 4096;

    /// <summary>A model the /v1/models example lists (used for the discovery lookups).</summary>
    public const string DiscoveryModel = "meta-llama/Llama-3.2-3B-Instruct";

    public const string UserText = "Hello!";

    public const string ToolName = "get_current_weather";

    public const string ToolDescription = "Get the current weather in a given location";

    /// <summary>The tool's parameter schema as sent on the wire (same for every client).</summary>
    public const string ToolParametersJson = """{"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"}},"required":["location"]}""";

    /// <summary>The base URL the in-process suites give every client (no request leaves the process).</summary>
    public static readonly Uri InProcessBaseUrl = new("http://127.0.0.1:8000/v1");

    public static readonly IReadOnlyList<string> EmbedTexts = CreateTexts();

    public static IList<ChatMessage> Messages() => [new ChatMessage(ChatRole.User, UserText)];

    public static AIFunction WeatherTool { get; } = AIFunctionFactory.Create(
        ([Description("The city and state, e.g. San Francisco, CA")] string location) => "sunny",
        ToolName,
        ToolDescription);

    public static string ExpectedStreamText(int chunks)
    {
        string[] tokens = ["Hi", "!", " How", " can", " I", " help", " you", " today", "?"];
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            sb.Append(tokens[i % tokens.Length]);
        }

        return sb.ToString();
    }

    private static string[] CreateTexts()
    {
        var texts = new string[EmbedInputs];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = "benchmark input number " + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return texts;
    }
}
