namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>
/// Per-token logprobs in vLLM's chat shape (<c>ChatCompletionLogProbs</c> in vLLM's chat_completion/protocol.py):
/// <c>{"content":[{"token","logprob","bytes":[…],"top_logprobs":[{"token","logprob","bytes"}]}]}</c>, one entry per
/// generated token, asked for with <c>logprobs: true</c> (and <c>top_logprobs: k</c>). The values are made up but fixed:
/// the same token always gets the same logprob; the sampled token is the first of its top list.
/// </summary>
internal static class TokenLogprobs
{
    /// <summary>Whether the request asks for logprobs, and how many alternatives per token (0 for none).</summary>
    public static (bool Asked, int Top) Of(JsonObject body)
        => (RequestJson.Bool(body, "logprobs") == true, (int)Math.Max(0, RequestJson.Int(body, "top_logprobs") ?? 0));

    /// <summary>The generated texts of a delta: content, reasoning (under either name) and tool-call argument fragments.</summary>
    public static List<string> TokensOf(JsonObject delta)
    {
        var tokens = new List<string>();
        foreach (var name in new[] { "reasoning", "content" })
        {
            if (delta[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text)
            {
                tokens.Add(text);
            }
        }

        if (delta["reasoning"] is null && delta["reasoning_content"] is JsonValue rc && rc.GetValueKind() == JsonValueKind.String && rc.GetValue<string>() is { Length: > 0 } reasoning)
        {
            tokens.Insert(0, reasoning);
        }

        foreach (var call in (delta["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (call["function"]?["arguments"] is JsonValue a && a.GetValueKind() == JsonValueKind.String && a.GetValue<string>() is { Length: > 0 } fragment)
            {
                tokens.Add(fragment);
            }
        }

        return tokens;
    }

    /// <summary>Writes <c>"logprobs"</c>: the object for <paramref name="tokens"/>, or null when none were asked for or
    /// the chunk generated nothing.</summary>
    public static void Write(Utf8JsonWriter w, (bool Asked, int Top) asked, IReadOnlyList<string> tokens)
    {
        if (!asked.Asked || tokens.Count == 0)
        {
            w.WriteNull("logprobs");
            return;
        }

        w.WriteStartObject("logprobs");
        w.WriteStartArray("content");
        foreach (var token in tokens)
        {
            var logprob = LogprobOf(token);
            w.WriteStartObject();
            WriteEntry(w, token, logprob);
            w.WriteStartArray("top_logprobs");
            for (var i = 0; i < asked.Top; i++)
            {
                w.WriteStartObject();
                WriteEntry(w, i == 0 ? token : " alt" + i.ToString(CultureInfo.InvariantCulture), logprob - i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A fixed logprob in (-1, 0] for a token.</summary>
    public static double LogprobOf(string token)
    {
        var hash = 17;
        foreach (var c in token)
        {
            hash = unchecked((hash * 31) + c);
        }

        return -((hash & 0x7fffffff) % 1000) / 1000.0;
    }

    private static void WriteEntry(Utf8JsonWriter w, string token, double logprob)
    {
        w.WriteString("token", token);
        w.WritePropertyName("logprob");
        w.WritePyFloat(logprob);
        w.WriteStartArray("bytes");
        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
    }
}
