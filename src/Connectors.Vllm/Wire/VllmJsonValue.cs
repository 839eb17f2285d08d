using System.Runtime.CompilerServices;

namespace Connectors.Vllm.Wire;

/// <summary>
/// Reads the value of one property of a vLLM answer. The reader is on the property's name; each method moves it to the
/// value and leaves it on the value's last token, so a value of a type the field never has (an object where a string
/// belongs) is skipped whole instead of being read as the properties that follow.
/// </summary>
internal static class VllmJsonValue
{
    /// <summary>The value if it is a string; otherwise <see langword="null"/> (the value skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? String(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>The value if it is a whole number in <see cref="long"/>'s range; otherwise <see langword="null"/> (the value skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long? Int64(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    /// <summary>Whether the value is an object: <see langword="true"/> with the reader on its start (read it to its end);
    /// <see langword="false"/> with the value skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StartObject(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        reader.Skip();
        return false;
    }
}
