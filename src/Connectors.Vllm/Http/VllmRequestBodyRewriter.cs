using System;
using System.Buffers;
using System.Text.Json;

namespace Connectors.Vllm.Http;

/// <summary>
/// The body half of the proxy-style rewrite: drops the OpenAI-only top-level fields vLLM must not get and makes
/// sure a stream asks for usage. Scans first and returns <see langword="null"/> when nothing needs changing, so
/// the common case (a body our chat client already shaped) costs one reader pass and no allocation.
/// </summary>
internal static class VllmRequestBodyRewriter
{
    /// <summary>Rewrites the body, or returns <see langword="null"/> when it is already right (or is not a JSON object).</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> body, bool reasoningEffortAllowed)
    {
        if (!NeedsRewrite(body, reasoningEffortAllowed, out var stream))
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
                var drop = IsDropped(ref reader, reasoningEffortAllowed);
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

    private static bool NeedsRewrite(ReadOnlySpan<byte> body, bool reasoningEffortAllowed, out bool stream)
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
                if (IsDropped(ref reader, reasoningEffortAllowed))
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

    /// <summary>True for the OpenAI-only fields never sent to vLLM (design.md "Proxy-style").</summary>
    private static bool IsDropped(ref Utf8JsonReader reader, bool reasoningEffortAllowed)
        => reader.ValueTextEquals("service_tier"u8)
            || reader.ValueTextEquals("store"u8)
            || reader.ValueTextEquals("metadata"u8)
            || reader.ValueTextEquals("prompt_cache_key"u8)
            || reader.ValueTextEquals("prompt_cache_retention"u8)
            || (!reasoningEffortAllowed && reader.ValueTextEquals("reasoning_effort"u8));
}
