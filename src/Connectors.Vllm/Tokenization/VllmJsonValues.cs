using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Tokenization;

/// <summary>Writes caller-supplied extra values (from <c>AdditionalProperties</c> or typed options) as JSON, AOT-clean.</summary>
internal static class VllmJsonValues
{
    /// <summary>Writes one JSON object with <paramref name="write"/> filling its properties.</summary>
    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="value"/>: primitives, strings, <see cref="JsonElement"/>, dictionaries and
    /// lists directly; anything else through <see cref="AIJsonUtilities.DefaultOptions"/>' type info.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case IFormattable formattable when value is short or ushort or uint or ulong or byte or sbyte:
                writer.WriteRawValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IDictionary<string, object?> dictionary:
                writer.WriteStartObject();
                foreach (var (key, item) in dictionary)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IDictionary<string, string> strings:
                writer.WriteStartObject();
                foreach (var (key, item) in strings)
                {
                    writer.WriteString(key, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>Reads an optional boolean that may arrive as a bool, a string or a <see cref="JsonElement"/>.</summary>
    public static bool? AsBoolean(object? value, string name) => value switch
    {
        null => null,
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        _ => throw new ArgumentException($"'{name}' must be a boolean; got {value}.", name),
    };
}
