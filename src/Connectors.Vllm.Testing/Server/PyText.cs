using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectors.Vllm.Testing.Server;

/// <summary>Python-flavoured text: repr() of JSON values (pydantic messages) and json.dumps() spacing.</summary>
internal static class PyText
{
    /// <summary>Python repr of a JSON value as pydantic prints the input.</summary>
    public static string Repr(JsonNode? node)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, node);
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
        AppendDumps(sb, node, ensureAscii);
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

    private static void AppendDumps(StringBuilder sb, JsonNode? node, bool ensureAscii)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
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
                    AppendJsonString(sb, key, ensureAscii);
                    sb.Append(": ");
                    AppendDumps(sb, value, ensureAscii);
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

                    AppendDumps(sb, arr[i], ensureAscii);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        AppendJsonString(sb, v.GetValue<string>(), ensureAscii);
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    case JsonValueKind.Null:
                        sb.Append("null");
                        break;
                    default:
                        sb.Append(v.ToJsonString());
                        break;
                }

                break;
        }
    }

    private static void AppendRepr(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("None");
                break;
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
                    AppendPyString(sb, key);
                    sb.Append(": ");
                    AppendRepr(sb, value);
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

                    AppendRepr(sb, arr[i]);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        AppendPyString(sb, v.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        sb.Append("True");
                        break;
                    case JsonValueKind.False:
                        sb.Append("False");
                        break;
                    case JsonValueKind.Null:
                        sb.Append("None");
                        break;
                    default:
                        var raw = v.ToJsonString();
                        sb.Append(raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase)
                            ? Float(v.GetValue<double>())
                            : raw);
                        break;
                }

                break;
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
