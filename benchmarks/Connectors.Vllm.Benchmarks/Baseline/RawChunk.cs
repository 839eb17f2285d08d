using System;
using System.IO;
using System.Text.Json;

namespace Connectors.Vllm.Benchmarks.Baseline;

/// <summary>One SSE event of a vLLM chat stream, read with Utf8JsonReader.</summary>
internal readonly record struct RawChunk(bool Done, string? Text, string? ToolCallId, string? ToolName, string? ToolArguments, string? FinishReason, int TotalTokens)
{
    public static RawChunk Parse(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return new RawChunk(true, null, null, null, null, null, 0);
        }

        string? text = null, id = null, name = null, args = null, finish = null;
        var total = 0;
        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            // Property names are unique enough in a chunk to read it flat.
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : text;
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                args = reader.GetString();
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.GetString();
            }
            else if (reader.ValueTextEquals("id"u8) && reader.CurrentDepth > 1)
            {
                reader.Read();
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finish = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                total = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("error"u8) && reader.CurrentDepth == 1)
            {
                throw new IOException("vLLM stream error: " + System.Text.Encoding.UTF8.GetString(data));
            }
        }

        return new RawChunk(false, text, id, name, args, finish, total);
    }
}
