namespace Connectors.Vllm.Testing.Server;

/// <summary>Python-flavoured text: repr() of JSON values (pydantic messages) and json.dumps() spacing.</summary>
internal static class PyText
{
    /// <summary>Python repr of a JSON value as pydantic prints the input.</summary>
    public static string Repr(JsonNode? node)
    {
        var sb = new StringBuilder();
        AppendPython(sb, node, repr: true, ensureAscii: false);
        return sb.ToString();
    }

    /// <summary>Python float repr (3 → "3.0", 0.1 → "0.1").</summary>
    public static string Float(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-inf";
        }

        if (double.IsNaN(value))
        {
            return "nan";
        }

        var s = value.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E', StringComparison.Ordinal))
        {
            s = s.Replace("E", "e", StringComparison.Ordinal);
            var e = s.IndexOf('e', StringComparison.Ordinal);
            var exp = s[(e + 1)..];
            var sign = exp.StartsWith('-') ? "-" : "+";
            exp = exp.TrimStart('+', '-');
            if (exp.Length < 2)
            {
                exp = "0" + exp;
            }

            return s[..e] + "e" + sign + exp;
        }

        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    /// <summary>json.dumps(value) with default separators (", " and ": ") and ensure_ascii.</summary>
    public static string Dumps(JsonNode? node, bool ensureAscii = true)
    {
        var sb = new StringBuilder();
        AppendPython(sb, node, repr: false, ensureAscii);
        return sb.ToString();
    }

    public static void AppendJsonString(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>One walker for both Python spellings: <c>json.dumps</c> (<paramref name="repr"/> false) and <c>repr</c>.</summary>
    private static void AppendPython(StringBuilder sb, JsonNode? node, bool repr, bool ensureAscii)
    {
        switch (node)
        {
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendString(sb, key, repr, ensureAscii);
                    sb.Append(": ");
                    AppendPython(sb, value, repr, ensureAscii);
                }

                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendPython(sb, arr[i], repr, ensureAscii);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                AppendValue(sb, v, repr, ensureAscii);
                break;
            default:
                sb.Append(repr ? "None" : "null");
                break;
        }
    }

    private static void AppendValue(StringBuilder sb, JsonValue v, bool repr, bool ensureAscii)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                AppendString(sb, v.GetValue<string>(), repr, ensureAscii);
                break;
            case JsonValueKind.True:
                sb.Append(repr ? "True" : "true");
                break;
            case JsonValueKind.False:
                sb.Append(repr ? "False" : "false");
                break;
            case JsonValueKind.Null:
                sb.Append(repr ? "None" : "null");
                break;
            default:
                var raw = v.ToJsonString();
                sb.Append(repr && (raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase))
                    ? Float(v.GetValue<double>())
                    : raw);
                break;
        }
    }

    private static void AppendString(StringBuilder sb, string s, bool repr, bool ensureAscii)
    {
        if (repr)
        {
            AppendPyString(sb, s);
        }
        else
        {
            AppendJsonString(sb, s, ensureAscii);
        }
    }

    private static void AppendPyString(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append(quote);
    }
}
