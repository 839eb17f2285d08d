using Connectors.Vllm.Wire;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>Pure mappings from vLLM's chat wire values to MEAI values, used by the one chat reader (<see cref="VllmChatStreamParser"/>).</summary>
internal static class VllmChatMapping
{
    /// <summary>vLLM's <c>"repetition"</c> finish reason (repetition detection ended the output).</summary>
    public static readonly ChatFinishReason Repetition = new("repetition");

    /// <summary>vLLM's <c>"abort"</c> finish reason (the request was aborted on the server).</summary>
    public static readonly ChatFinishReason Abort = new("abort");

    /// <summary>The finish reason of a <c>finish_reason</c> value: MEAI's own for the OpenAI values, vLLM's
    /// <c>repetition</c> and <c>abort</c>, any other non-blank string kept as the server's word; <see langword="null"/> for
    /// <c>null</c>, a non-string, or an empty or blank string (which <see cref="ChatFinishReason"/> refuses; some servers
    /// send <c>""</c>).</summary>
    public static ChatFinishReason? MapFinishReason(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        if (reader.ValueTextEquals("stop"u8))
        {
            return ChatFinishReason.Stop;
        }

        if (reader.ValueTextEquals("length"u8))
        {
            return ChatFinishReason.Length;
        }

        if (reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("function_call"u8))
        {
            return ChatFinishReason.ToolCalls;
        }

        if (reader.ValueTextEquals("content_filter"u8))
        {
            return ChatFinishReason.ContentFilter;
        }

        if (reader.ValueTextEquals("repetition"u8))
        {
            return Repetition;
        }

        if (reader.ValueTextEquals("abort"u8))
        {
            return Abort;
        }

        var value = reader.GetString();
        return string.IsNullOrWhiteSpace(value) ? null : new ChatFinishReason(value);
    }

    /// <summary>Reads a choice's <c>logprobs</c> object (the reader is on its StartObject):
    /// <c>{"content":[{"token","logprob","bytes","top_logprobs":[…]}]}</c>; other keys (<c>refusal</c>) are skipped.</summary>
    public static List<VllmTokenLogprob> ReadLogprobs(ref Utf8JsonReader reader)
    {
        var result = new List<VllmTokenLogprob>();
        List<string?>? tokens = null; // /v1/completions' shape: parallel arrays instead of "content"
        List<double>? values = null;
        List<List<VllmTokenLogprob>?>? tops = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("content"u8) ? 0
                : reader.ValueTextEquals("tokens"u8) ? 1
                : reader.ValueTextEquals("token_logprobs"u8) ? 2
                : reader.ValueTextEquals("top_logprobs"u8) ? 3
                : -1;
            reader.Read();
            if (property < 0 || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            switch (property)
            {
                case 0:
                    ReadTokenList(ref reader, result, withTop: true);
                    break;
                case 1:
                    tokens = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        tokens.Add(reader.TokenType == JsonTokenType.String ? reader.GetString() : null);
                        reader.Skip();
                    }

                    break;
                case 2:
                    values = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        values.Add(reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : double.NaN);
                        reader.Skip();
                    }

                    break;
                default:
                    tops = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        tops.Add(reader.TokenType == JsonTokenType.StartObject ? ReadTopMap(ref reader) : null);
                        reader.Skip();
                    }

                    break;
            }
        }

        for (var i = 0; tokens is not null && i < tokens.Count; i++)
        {
            var value = values is not null && i < values.Count ? values[i] : double.NaN;
            var top = tops is not null && i < tops.Count ? tops[i] : null;
            result.Add(new VllmTokenLogprob(tokens[i] ?? string.Empty, value, null, top));
        }

        return result;
    }

    /// <summary>One entry of /v1/completions' <c>top_logprobs</c>: an object of token → logprob (the reader is on its StartObject).</summary>
    private static List<VllmTokenLogprob> ReadTopMap(ref Utf8JsonReader reader)
    {
        var top = new List<VllmTokenLogprob>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var token = reader.GetString() ?? string.Empty;
            reader.Read();
            top.Add(new VllmTokenLogprob(token, reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : double.NaN));
            reader.Skip();
        }

        return top;
    }

    private static void ReadTokenList(ref Utf8JsonReader reader, List<VllmTokenLogprob> into, bool withTop)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? token = null;
            var logprob = double.NaN;
            byte[]? bytes = null;
            List<VllmTokenLogprob>? top = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("token"u8))
                {
                    token = VllmJsonValue.String(ref reader);
                }
                else if (reader.ValueTextEquals("logprob"u8))
                {
                    reader.Read();
                    logprob = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : double.NaN;
                }
                else if (reader.ValueTextEquals("bytes"u8))
                {
                    reader.Read();
                    bytes = ReadBytes(ref reader);
                }
                else if (withTop && reader.ValueTextEquals("top_logprobs"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        ReadTokenList(ref reader, top = [], withTop: false);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            into.Add(new VllmTokenLogprob(token ?? string.Empty, logprob, bytes, top));
        }
    }

    private static byte[]? ReadBytes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var bytes = new List<byte>();
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            bytes.Add(reader.GetByte());
        }

        return [.. bytes];
    }

    /// <summary>Parses a tool call's <c>arguments</c> text into the dictionary MEAI's function invocation binds from.</summary>
    public static FunctionCallContent CreateFunctionCall(string callId, string name, string? arguments)
        => FunctionCallContent.CreateFromParsedArguments(arguments ?? string.Empty, callId, name, ParseArguments);

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Tool-call arguments must be a JSON object, got {document.RootElement.ValueKind}.");
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }
}
