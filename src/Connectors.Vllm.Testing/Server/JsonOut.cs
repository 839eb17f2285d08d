using System.Buffers;
using System.Text.Encodings.Web;

namespace Connectors.Vllm.Testing.Server;

/// <summary>Compact JSON writing with vLLM's conventions (no spaces, non-ASCII unescaped).</summary>
internal static class JsonOut
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>A float as Python prints it (1.0, not 1).</summary>
    public static void WritePyFloat(this Utf8JsonWriter writer, double value) => writer.WriteRawValue(PyText.Float(value), skipInputValidation: true);

    public static void WriteError(Utf8JsonWriter writer, EmulatedVersion version, int status, string type, string message, string? param)
    {
        writer.WriteStartObject();
        if (version.NestedErrors)
        {
            writer.WriteStartObject("error");
            WriteErrorFields(writer, status, type, message, param);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("object", "error");
            WriteErrorFields(writer, status, type, message, param);
        }

        writer.WriteEndObject();
    }

    private static void WriteErrorFields(Utf8JsonWriter writer, int status, string type, string message, string? param)
    {
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteStringOrNull("param", param);
        writer.WriteNumber("code", status);
    }
}
