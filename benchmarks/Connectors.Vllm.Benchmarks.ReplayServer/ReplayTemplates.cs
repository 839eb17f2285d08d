using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>
/// The byte-exact vLLM bodies from the reference examples, split into the chunk shapes the generated
/// workloads are made of. Nothing here is invented: every generated chunk is one of these events with
/// only its text (content, arguments fragment, usage numbers, model) changed.
/// </summary>
internal sealed class ReplayTemplates
{
    private ReplayTemplates()
    {
    }

    /// <summary>The model name the examples were written with (replaced by the requested one).</summary>
    public string TextModel { get; private set; } = string.Empty;

    public string ToolModel { get; private set; } = string.Empty;

    public string TextRoleChunk { get; private set; } = string.Empty;

    /// <summary>A content chunk with <c>{CONTENT}</c> where the JSON-escaped text goes.</summary>
    public string TextContentChunk { get; private set; } = string.Empty;

    /// <summary>The content tokens of the example, cycled through by long streams.</summary>
    public IReadOnlyList<string> TextTokens { get; private set; } = Array.Empty<string>();

    public string TextFinishChunk { get; private set; } = string.Empty;

    /// <summary>The usage chunk with <c>{PROMPT}</c>, <c>{TOTAL}</c>, <c>{COMPLETION}</c>.</summary>
    public string TextUsageChunk { get; private set; } = string.Empty;

    public string ToolRoleChunk { get; private set; } = string.Empty;

    public string ToolNameChunk { get; private set; } = string.Empty;

    /// <summary>An arguments-fragment chunk with <c>{ARGS}</c> where the JSON-escaped fragment goes.</summary>
    public string ToolArgumentsChunk { get; private set; } = string.Empty;

    /// <summary>The argument fragments of the example, in order (they concatenate to the arguments JSON).</summary>
    public IReadOnlyList<string> ToolFragments { get; private set; } = Array.Empty<string>();

    public string ToolFinishChunk { get; private set; } = string.Empty;

    public string ToolUsageChunk { get; private set; } = string.Empty;

    public string ChatResponse { get; private set; } = string.Empty;

    public string ChatResponseModel { get; private set; } = string.Empty;

    public string ToolResponse { get; private set; } = string.Empty;

    public string ModelsResponse { get; private set; } = string.Empty;

    /// <summary>The float embeddings example; its envelope (id, created, usage) is reused.</summary>
    public string EmbeddingsResponse { get; private set; } = string.Empty;

    public static ReplayTemplates Load(string directory)
    {
        var t = new ReplayTemplates();

        var text = Events(File.ReadAllText(Path.Combine(directory, "chat-stream-text.example.sse")));
        t.TextModel = ModelOf(text[0]);
        t.TextRoleChunk = text[0];
        var tokens = new List<string>();
        for (var i = 1; i < text.Count - 3; i++)
        {
            tokens.Add(DeltaString(text[i], "content"));
        }

        t.TextTokens = tokens;
        t.TextContentChunk = ReplaceOnce(text[1], "\"content\":" + JsonString(tokens[0]), "\"content\":{CONTENT}");
        t.TextFinishChunk = text[^3];
        t.TextUsageChunk = UsageTemplate(text[^2]);
        Require(text[^1] == "[DONE]", "text stream must end with [DONE]");

        var tool = Events(File.ReadAllText(Path.Combine(directory, "chat-stream-toolcall.example.sse")));
        t.ToolModel = ModelOf(tool[0]);
        t.ToolRoleChunk = tool[0];
        t.ToolNameChunk = tool[1];
        var fragments = new List<string>();
        for (var i = 2; i < tool.Count - 3; i++)
        {
            fragments.Add(ArgumentsOf(tool[i]));
        }

        t.ToolFragments = fragments;
        t.ToolArgumentsChunk = ReplaceOnce(tool[2], "\"arguments\":" + JsonString(fragments[0]), "\"arguments\":{ARGS}");
        t.ToolFinishChunk = tool[^3];
        t.ToolUsageChunk = UsageTemplate(tool[^2]);

        t.ChatResponse = File.ReadAllText(Path.Combine(directory, "chat-response.example.json")).TrimEnd('\n');
        t.ChatResponseModel = ModelOf(t.ChatResponse);
        t.ToolResponse = File.ReadAllText(Path.Combine(directory, "chat-response-toolcall.example.json")).TrimEnd('\n');
        t.ModelsResponse = File.ReadAllText(Path.Combine(directory, "models-response.example.json")).TrimEnd('\n');
        t.EmbeddingsResponse = File.ReadAllText(Path.Combine(directory, "embeddings-response.example.json")).TrimEnd('\n');
        return t;
    }

    /// <summary>JSON string literal the way vLLM (pydantic) writes it: quotes and backslashes escaped, non-ASCII kept.</summary>
    public static string JsonString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static List<string> Events(string sse)
    {
        var events = new List<string>();
        foreach (var block in sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Require(block.StartsWith("data: ", StringComparison.Ordinal), "every example event is one data line");
            events.Add(block["data: ".Length..]);
        }

        return events;
    }

    private static string ModelOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("model").GetString()!;
    }

    private static string DeltaString(string chunk, string name)
    {
        using var doc = JsonDocument.Parse(chunk);
        return doc.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty(name).GetString()!;
    }

    private static string ArgumentsOf(string chunk)
    {
        using var doc = JsonDocument.Parse(chunk);
        return doc.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]
            .GetProperty("function").GetProperty("arguments").GetString()!;
    }

    private static string UsageTemplate(string chunk)
    {
        using var doc = JsonDocument.Parse(chunk);
        var usage = doc.RootElement.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var total = usage.GetProperty("total_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        var s = ReplaceOnce(chunk, $"\"prompt_tokens\":{prompt}", "\"prompt_tokens\":{PROMPT}");
        s = ReplaceOnce(s, $"\"total_tokens\":{total}", "\"total_tokens\":{TOTAL}");
        return ReplaceOnce(s, $"\"completion_tokens\":{completion}", "\"completion_tokens\":{COMPLETION}");
    }

    private static string ReplaceOnce(string s, string find, string replacement)
    {
        var at = s.IndexOf(find, StringComparison.Ordinal);
        Require(at >= 0 && s.IndexOf(find, at + find.Length, StringComparison.Ordinal) < 0, $"template anchor not found exactly once: {find}");
        return string.Concat(s.AsSpan(0, at), replacement, s.AsSpan(at + find.Length));
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }
}
