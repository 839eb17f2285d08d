using System.Buffers;
using System.Text;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// The tool-call markup of vLLM's parser families, read back from text the server did not parse (pure functions):
/// hermes / Qwen <c>&lt;tool_call&gt;{"name":…,"arguments":{…}}&lt;/tool_call&gt;</c> (<c>hermes_tool_parser.py</c>),
/// Qwen3-Coder <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=P&gt;value&lt;/parameter&gt;&lt;/function&gt;&lt;/tool_call&gt;</c>
/// (<c>qwen3coder_tool_parser.py</c>), Llama 3 JSON <c>{"name":…,"parameters":{…}}</c> separated by <c>;</c>, optionally
/// after <c>&lt;|python_tag|&gt;</c> (<c>llama_tool_parser.py</c>), and Mistral <c>[TOOL_CALLS]name{…}</c> or, before
/// tokenizer v11, <c>[TOOL_CALLS] [{"name":…,"arguments":{…}}]</c> (<c>mistral_tool_parser.py</c>).
/// </summary>
/// <remarks>Only calls whose arguments are a valid JSON object are read (MEAI binds arguments from an object); a Llama call
/// must also name one of the request's tools, since plain JSON is not markup.</remarks>
internal static class VllmToolCallMarkup
{
    public const string ToolCallStart = "<tool_call>";
    public const string ToolCallEnd = "</tool_call>";
    public const string FunctionStart = "<function=";
    public const string FunctionEnd = "</function>";
    public const string MistralStart = "[TOOL_CALLS]";
    public const string PythonTag = "<|python_tag|>";
    private const string ParameterStart = "<parameter=";
    private const string ParameterEnd = "</parameter>";
    private const string MistralArgs = "[ARGS]";

    /// <summary>The <c>--tool-call-parser</c> value that reads <paramref name="family"/>.</summary>
    public static string ParserName(VllmToolCallFamily family) => family switch
    {
        VllmToolCallFamily.Qwen3Coder => "qwen3_coder",
        VllmToolCallFamily.Llama3Json => "llama3_json",
        VllmToolCallFamily.Mistral => "mistral",
        _ => "hermes",
    };

    /// <summary>A short name of <paramref name="family"/> for messages.</summary>
    public static string DisplayName(VllmToolCallFamily family) => family switch
    {
        VllmToolCallFamily.Qwen3Coder => "Qwen3-Coder <function=…>",
        VllmToolCallFamily.Llama3Json => "Llama 3 JSON",
        VllmToolCallFamily.Mistral => "Mistral [TOOL_CALLS]",
        _ => "hermes/Qwen <tool_call>",
    };

    /// <summary>The length of the longest end of <paramref name="text"/> (from <paramref name="start"/>) that could be the
    /// beginning of a marker that opens markup: text held back until the next delta decides.</summary>
    public static int PartialOpenerLength(string text, int start)
    {
        var longest = 0;
        foreach (var opener in Openers)
        {
            for (var length = Math.Min(opener.Length - 1, text.Length - start); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(opener.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }

    /// <summary>The first marker that opens markup at or after <paramref name="start"/>: its position (or -1) and family.</summary>
    public static int FindOpener(string text, int start, out VllmToolCallFamily family, out string closer)
    {
        family = VllmToolCallFamily.Hermes;
        closer = string.Empty;
        var best = -1;
        foreach (var opener in Openers)
        {
            var at = text.IndexOf(opener, start, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                (family, closer) = opener switch
                {
                    ToolCallStart => (VllmToolCallFamily.Hermes, ToolCallEnd),
                    FunctionStart => (VllmToolCallFamily.Qwen3Coder, FunctionEnd),
                    _ => (VllmToolCallFamily.Mistral, string.Empty),
                };
            }
        }

        return best;
    }

    /// <summary>Whether text that began with <c>{</c> (or <c>&lt;|python_tag|&gt;</c>) can still be a Llama call: false once
    /// the first key is known and is neither <c>"name"</c> nor <c>"type"</c>. Partial text answers true.</summary>
    public static bool MayBeLlamaCall(string text, int start)
    {
        var i = SkipWhiteSpace(text, start);
        var rest = text.AsSpan(i);
        if (rest.Length < PythonTag.Length && PythonTag.AsSpan().StartsWith(rest))
        {
            return true;
        }

        if (rest.StartsWith(PythonTag, StringComparison.Ordinal))
        {
            rest = text.AsSpan(SkipWhiteSpace(text, i + PythonTag.Length));
            if (rest.IsEmpty)
            {
                return true;
            }
        }

        if (rest[0] != '{')
        {
            return false;
        }

        rest = rest[1..].TrimStart();
        return StartsOrIsPrefixOf(rest, "\"name\"") || StartsOrIsPrefixOf(rest, "\"type\"");
    }

    /// <summary>Reads one region that starts (after white space) with <c>&lt;tool_call&gt;</c> or <c>&lt;function=</c> and ends
    /// with its closing tag, or at the end of the answer (vLLM's parsers accept an unclosed one).</summary>
    /// <returns>The family the markup belongs to; <paramref name="call"/> is set when it holds a valid call.</returns>
    public static VllmToolCallFamily ReadTagged(string region, VllmToolCallTools tools, out VllmRecoveredCall? call)
    {
        call = null;
        var i = SkipWhiteSpace(region, 0);
        if (region.AsSpan(i).StartsWith(FunctionStart, StringComparison.Ordinal))
        {
            call = ReadFunction(region, i, tools);
            return VllmToolCallFamily.Qwen3Coder;
        }

        var inner = region.AsSpan(i + ToolCallStart.Length);
        var end = inner.LastIndexOf(ToolCallEnd, StringComparison.Ordinal);
        inner = (end >= 0 ? inner[..end] : inner).Trim();
        var text = inner.ToString();
        if (text.StartsWith(FunctionStart, StringComparison.Ordinal))
        {
            call = ReadFunction(text, 0, tools);
            return VllmToolCallFamily.Qwen3Coder;
        }

        call = ReadJsonCall(text, 0, text.Length, tools, requireKnownName: false, out var used) is { } found && SkipWhiteSpace(text, used) == text.Length ? found : null;
        return VllmToolCallFamily.Hermes;
    }

    /// <summary>Reads Mistral markup: <c>[TOOL_CALLS]name{…}</c> (repeated), or <c>[TOOL_CALLS] [{…},…]</c>.</summary>
    /// <returns>The calls, or <see langword="null"/> unless every call in it is valid.</returns>
    public static List<VllmRecoveredCall>? ReadMistral(string text, VllmToolCallTools tools)
    {
        var segments = text.Split(MistralStart);
        var calls = new List<VllmRecoveredCall>();
        if (!string.IsNullOrWhiteSpace(segments[0]))
        {
            return null;
        }

        if (segments.Length == 2 && segments[1].TrimStart().StartsWith('['))
        {
            // Before tokenizer v11: one JSON array of {"name", "arguments"} objects.
            var array = segments[1];
            var start = SkipWhiteSpace(array, 0);
            var end = JsonValueEnd(array, start);
            if (end < 0 || SkipWhiteSpace(array, end) != array.Length)
            {
                return null;
            }

            var i = SkipWhiteSpace(array, start + 1);
            while (i < end - 1)
            {
                if (ReadJsonCall(array, i, end - 1, tools, requireKnownName: false, out var used) is not { } call)
                {
                    return null;
                }

                calls.Add(call);
                i = SkipWhiteSpace(array, used);
                if (i < end - 1 && array[i] == ',')
                {
                    i = SkipWhiteSpace(array, i + 1);
                }
                else if (i < end - 1)
                {
                    return null;
                }
            }

            return calls.Count > 0 ? calls : null;
        }

        // Tokenizer v11 and later: name{arguments} after each [TOOL_CALLS] (Hugging Face tokenizers may write name[ARGS]{…}).
        for (var s = 1; s < segments.Length; s++)
        {
            var segment = segments[s];
            var brace = segment.IndexOf('{', StringComparison.Ordinal);
            if (brace < 0)
            {
                return null;
            }

            var name = segment[..brace].Replace(MistralArgs, string.Empty, StringComparison.Ordinal).Trim();
            var end = JsonValueEnd(segment, brace);
            if (!IsValidName(name) || end < 0 || SkipWhiteSpace(segment, end) != segment.Length || ObjectText(segment, brace, end) is not { } arguments)
            {
                return null;
            }

            calls.Add(new VllmRecoveredCall(name, arguments));
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary>Reads Llama 3 JSON: optional <c>&lt;|python_tag|&gt;</c>, then calls separated by <c>;</c>.</summary>
    /// <returns>The calls, or <see langword="null"/> unless the whole text is valid calls of the request's tools.</returns>
    public static List<VllmRecoveredCall>? ReadLlama(string text, VllmToolCallTools tools)
    {
        var i = SkipWhiteSpace(text, 0);
        if (text.AsSpan(i).StartsWith(PythonTag, StringComparison.Ordinal))
        {
            i = SkipWhiteSpace(text, i + PythonTag.Length);
        }

        var calls = new List<VllmRecoveredCall>();
        while (i < text.Length)
        {
            if (ReadJsonCall(text, i, text.Length, tools, requireKnownName: true, out var used) is not { } call)
            {
                return null;
            }

            calls.Add(call);
            i = SkipWhiteSpace(text, used);
            if (i < text.Length && text[i] == ';')
            {
                i = SkipWhiteSpace(text, i + 1);
            }
            else if (i < text.Length)
            {
                return null;
            }
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary>One JSON object <c>{"name": …, "arguments" | "parameters": {…}}</c> starting at <paramref name="start"/>.</summary>
    private static VllmRecoveredCall? ReadJsonCall(string text, int start, int limit, VllmToolCallTools tools, bool requireKnownName, out int used)
    {
        used = start;
        if (start >= limit || text[start] != '{')
        {
            return null;
        }

        var end = JsonValueEnd(text, start);
        if (end < 0 || end > limit)
        {
            return null;
        }

        used = end;
        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start, end - start));
            var root = document.RootElement;
            if (!root.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var name = nameElement.GetString()!;
            if (!IsValidName(name) || (requireKnownName && !tools.Contains(name)))
            {
                return null;
            }

            var hasArguments = root.TryGetProperty("arguments", out var arguments) || root.TryGetProperty("parameters", out arguments);
            if (hasArguments && arguments.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new VllmRecoveredCall(name, hasArguments ? arguments.GetRawText() : "{}");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Qwen3-Coder: <c>&lt;function=NAME&gt;</c>, then <c>&lt;parameter=P&gt;\nvalue\n&lt;/parameter&gt;</c> each,
    /// then <c>&lt;/function&gt;</c>; values typed by the tool's schema as vLLM's parser does (text when unknown).</summary>
    private static VllmRecoveredCall? ReadFunction(string text, int start, VllmToolCallTools tools)
    {
        var nameStart = start + FunctionStart.Length;
        var nameEnd = text.IndexOf('>', nameStart);
        if (nameEnd < 0)
        {
            return null;
        }

        var name = text[nameStart..nameEnd];
        if (!IsValidName(name))
        {
            return null;
        }

        var bodyEnd = text.LastIndexOf(FunctionEnd, StringComparison.Ordinal);
        var body = text.AsSpan(nameEnd + 1, (bodyEnd > nameEnd ? bodyEnd : text.Length) - nameEnd - 1);
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            while (body.IndexOf(ParameterStart, StringComparison.Ordinal) is var p and >= 0)
            {
                body = body[(p + ParameterStart.Length)..];
                var close = body.IndexOf('>');
                if (close < 0)
                {
                    return null;
                }

                var parameter = body[..close].ToString();
                body = body[(close + 1)..];
                var valueEnd = body.IndexOf(ParameterEnd, StringComparison.Ordinal);
                var next = body.IndexOf(ParameterStart, StringComparison.Ordinal);
                var length = valueEnd >= 0 && (next < 0 || valueEnd < next) ? valueEnd : next >= 0 ? next : body.Length;
                var value = body[..length];
                body = body[Math.Min(body.Length, length == valueEnd ? length + ParameterEnd.Length : length)..];
                if (value.Length > 0 && value[0] == '\n')
                {
                    value = value[1..];
                }

                if (value.Length > 0 && value[^1] == '\n')
                {
                    value = value[..^1];
                }

                writer.WritePropertyName(parameter);
                WriteTypedValue(writer, value.ToString(), tools.ParameterType(name, parameter));
            }

            writer.WriteEndObject();
        }

        return new VllmRecoveredCall(name, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>vLLM's <c>_convert_param_value</c>: text for string (or unknown) types, numbers, booleans and JSON for the rest.</summary>
    private static void WriteTypedValue(Utf8JsonWriter writer, string value, VllmParameterType type)
    {
        if (type.Nullable && (value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            writer.WriteNullValue();
            return;
        }

        switch (type.Name)
        {
            case null or "string" or "str" or "text" or "varchar" or "char" or "enum":
                writer.WriteStringValue(value);
                return;
            case "boolean" or "bool" or "binary":
                writer.WriteBooleanValue(value.Equals("true", StringComparison.OrdinalIgnoreCase));
                return;
        }

        if (value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteNullValue();
        }
        else if (type.Name.StartsWith("int", StringComparison.Ordinal) || type.Name.StartsWith("uint", StringComparison.Ordinal) || type.Name.StartsWith("long", StringComparison.Ordinal))
        {
            if (long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        else if (type.Name.StartsWith("num", StringComparison.Ordinal) || type.Name.StartsWith("float", StringComparison.Ordinal))
        {
            if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(value);
                document.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                writer.WriteStringValue(value);
            }
        }
    }

    /// <summary>The text of the JSON object in [<paramref name="start"/>, <paramref name="end"/>), or <see langword="null"/>
    /// when it is not valid JSON.</summary>
    private static string? ObjectText(string text, int start, int end)
    {
        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start, end - start));
            return document.RootElement.ValueKind == JsonValueKind.Object ? text[start..end] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The index just after the object or array that opens at <paramref name="start"/> (brackets inside strings
    /// skipped), or -1 when it does not close.</summary>
    private static int JsonValueEnd(string text, int start)
    {
        if (start >= text.Length || (text[start] != '{' && text[start] != '['))
        {
            return -1;
        }

        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[')
            {
                depth++;
            }
            else if (c is '}' or ']' && --depth == 0)
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>A function name as vLLM's Qwen3-Coder parser accepts one: not empty, no white space, quotes or brackets.</summary>
    private static bool IsValidName(string name)
        => name.Length > 0 && name.AsSpan().IndexOfAny("{}<>\"' \t\n\r[]") < 0;

    private static int SkipWhiteSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool StartsOrIsPrefixOf(ReadOnlySpan<char> text, string value)
        => text.Length >= value.Length ? text.StartsWith(value, StringComparison.Ordinal) : value.AsSpan().StartsWith(text, StringComparison.Ordinal);

    private static readonly string[] Openers = [ToolCallStart, FunctionStart, MistralStart];
}
