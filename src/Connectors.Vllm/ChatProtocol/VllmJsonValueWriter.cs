using System.Collections;
using System.Text.Json.Nodes;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>Writes the values callers put into <c>ChatOptions.AdditionalProperties</c> without reflection-based serialization.</summary>
internal static class VllmJsonValueWriter
{
    private const int MaxDepth = 32;

    public static void Write(Utf8JsonWriter writer, string name, object? value) => Write(writer, name, value, 0);

    private static void Write(Utf8JsonWriter writer, string name, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The value of '{name}' is nested too deeply.", nameof(value));
        }

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
            case short sh:
                writer.WriteNumberValue(sh);
                break;
            case byte by:
                writer.WriteNumberValue(by);
                break;
            case uint ui:
                writer.WriteNumberValue(ui);
                break;
            case ulong ul:
                writer.WriteNumberValue(ul);
                break;
            case float f:
                // Written from its shortest round-trip text so 0.05f goes out as 0.05, not 0.05000000074505806.
                writer.WriteRawValue(f.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: false);
                break;
            case double d:
                writer.WriteNumberValue(d);
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
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case BinaryData data:
                writer.WriteRawValue(data.ToMemory().Span);
                break;
            case VllmStructuredOutputs structured:
                structured.WriteStructuredOutputs(writer);
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, name, item, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, string>> stringMap:
                writer.WriteStartObject();
                foreach (var (key, item) in stringMap)
                {
                    writer.WriteString(key, item);
                }

                writer.WriteEndObject();
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Write(writer, name, entry.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    Write(writer, name, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException(
                    $"The value of '{name}' has type {value.GetType().Name}, which this library cannot write without reflection. " +
                    "Use a bool, number, string, array, list, dictionary with string keys, JsonElement or JsonNode.");
        }
    }
}
