using System.Buffers;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// The one list of fields vLLM must never get from us, and the body half of the proxy-style rewrite for bodies this
/// library did not write (the OpenAI SDK's convenience methods): drops those fields and makes sure a stream asks for
/// usage. Scans first and returns <see langword="null"/> when nothing needs changing (one reader pass, no allocation).
/// Our own chat writer leaves the same fields out (<see cref="IsNeverSent"/>), so its bodies are never rewritten.
/// </summary>
internal static class VllmRequestBodyRewriter
{
    /// <summary>OpenAI-only top-level fields never forwarded to vLLM (design.md "Proxy-style"): vLLM ignores them at best.
    /// <c>reasoning_effort</c> is on the list because only the caller's <see cref="Microsoft.Extensions.AI.ChatOptions.Reasoning"/>
    /// (or the <c>reasoning_effort</c> extra) may set it, which our writer does itself in a value the server accepts.</summary>
    private static readonly string[] NeverSent =
        ["service_tier", "store", "metadata", "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "reasoning_effort"];

    private static readonly byte[][] NeverSentUtf8 = Array.ConvertAll(NeverSent, System.Text.Encoding.UTF8.GetBytes);

    /// <summary>Whether <paramref name="name"/> is a field vLLM must never get from a body or options someone else shaped.</summary>
    public static bool IsNeverSent(string name) => Array.IndexOf(NeverSent, name) >= 0;

    /// <summary>Rewrites the body, or returns <see langword="null"/> when it is already right (or is not a JSON object).</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> body)
    {
        if (!NeedsRewrite(body, out var stream))
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>(body.Length + 48);
        using (var writer = new Utf8JsonWriter(output))
        {
            var reader = new Utf8JsonReader(body);
            reader.Read(); // StartObject, checked by NeedsRewrite
            writer.WriteStartObject();
            var wroteStreamOptions = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var drop = IsNeverSentAt(ref reader);
                var isStreamOptions = reader.ValueTextEquals("stream_options"u8);
                var name = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                if (drop)
                {
                    continue;
                }

                if (isStreamOptions && stream)
                {
                    WriteStreamOptions(writer, body[start..end]);
                    wroteStreamOptions = true;
                    continue;
                }

                if (isStreamOptions)
                {
                    // vLLM answers 400 to stream_options on a non-streaming request.
                    continue;
                }

                writer.WritePropertyName(name);
                writer.WriteRawValue(body[start..end], skipInputValidation: true);
            }

            if (stream && !wroteStreamOptions)
            {
                writer.WritePropertyName("stream_options"u8);
                writer.WriteStartObject();
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static bool NeedsRewrite(ReadOnlySpan<byte> body, out bool stream)
    {
        stream = false;
        var hasStreamOptions = false;
        var includeUsage = false;
        var drop = false;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (IsNeverSentAt(ref reader))
                {
                    drop = true;
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                    continue;
                }

                if (reader.ValueTextEquals("stream_options"u8))
                {
                    hasStreamOptions = true;
                    reader.Read();
                    includeUsage = HasIncludeUsageTrue(ref reader);
                    continue;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false; // Not ours to fix; the server will say what is wrong.
        }

        return drop || (stream && !includeUsage) || (!stream && hasStreamOptions);
    }

    private static bool HasIncludeUsageTrue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                found = reader.TokenType == JsonTokenType.True;
            }

            reader.Skip();
        }

        return found;
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer, ReadOnlySpan<byte> original)
    {
        writer.WritePropertyName("stream_options"u8);
        writer.WriteStartObject();
        writer.WriteBoolean("include_usage"u8, true);
        var reader = new Utf8JsonReader(original);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var keep = !reader.ValueTextEquals("include_usage"u8) && !reader.ValueTextEquals("include_obfuscation"u8);
                var name = reader.GetString()!;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (keep)
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(original[start..(int)reader.BytesConsumed], skipInputValidation: true);
                }
            }
        }

        writer.WriteEndObject();
    }

    private static bool IsNeverSentAt(ref Utf8JsonReader reader)
    {
        foreach (var name in NeverSentUtf8)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }
}
