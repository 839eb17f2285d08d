using System.Buffers;

namespace Connectors.Vllm.Wire;

/// <summary>Writes caller-supplied extra values (from <c>AdditionalProperties</c> or typed options) as JSON, AOT-clean.</summary>
internal static class VllmRequestJson
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

    /// <summary>Writes one request object: <c>model</c> first (left out when <paramref name="model"/> is empty, so the server
    /// picks its first served model), then <paramref name="write"/>'s properties.</summary>
    public static byte[] Build(string? model, Action<Utf8JsonWriter> write) => Build(writer =>
    {
        if (!string.IsNullOrEmpty(model))
        {
            writer.WriteString("model", model);
        }

        write(writer);
    });

    /// <summary>Writes <paramref name="value"/> with the chat request's value writer (one way to write caller values, AOT-clean).</summary>
    public static void Write(Utf8JsonWriter writer, object? value) => ChatProtocol.VllmJsonValueWriter.Write(writer, "value", value);

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
