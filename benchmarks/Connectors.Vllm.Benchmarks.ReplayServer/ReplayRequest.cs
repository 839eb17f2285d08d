using System;
using System.Text.Json;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>The few request fields the replay server looks at.</summary>
internal readonly record struct ReplayRequest(string? Model, bool Stream, string? EncodingFormat, int InputCount)
{
    public static ReplayRequest Parse(ReadOnlySpan<byte> body)
    {
        string? model = null;
        string? format = null;
        var stream = false;
        var inputs = 0;
        if (body.IsEmpty)
        {
            return default;
        }

        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("encoding_format"u8))
            {
                reader.Read();
                format = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    var depth = reader.CurrentDepth;
                    while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
                    {
                        if (reader.CurrentDepth == depth + 1)
                        {
                            inputs++;
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    inputs = 1;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ReplayRequest(model, stream, format, inputs);
    }
}
