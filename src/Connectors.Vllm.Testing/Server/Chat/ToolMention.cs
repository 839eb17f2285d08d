namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>Where the user's message names a tool: how the scripted model decides which tools to call.</summary>
/// <remarks>
/// A tool counts as named by its full name (<c>get_weather</c>), by its full name with spaces for underscores
/// (<c>get weather</c>), or by the function part of a Semantic Kernel name <c>&lt;plugin&gt;_&lt;function&gt;</c>
/// (<c>get_weather</c> names <c>weather_get_weather</c>). A function part is any tail after a <c>_</c> that looks like
/// an identifier (has a <c>_</c>, a digit or an inner capital) and is written as a whole word, so a plain word such as
/// "weather" in a prompt never triggers a tool.
/// </remarks>
internal static class ToolMention
{
    /// <summary>Gets the position of the first mention of <paramref name="toolName"/> in <paramref name="text"/>, or -1.</summary>
    public static int Position(string text, string toolName)
    {
        if (toolName.Length == 0)
        {
            return -1;
        }

        var pos = text.IndexOf(toolName, StringComparison.OrdinalIgnoreCase);
        if (pos >= 0)
        {
            return pos;
        }

        pos = text.IndexOf(toolName.Replace('_', ' '), StringComparison.OrdinalIgnoreCase);
        if (pos >= 0)
        {
            return pos;
        }

        var best = -1;
        for (var sep = toolName.IndexOf('_'); sep >= 0 && sep < toolName.Length - 1; sep = toolName.IndexOf('_', sep + 1))
        {
            var part = toolName[(sep + 1)..];
            if (LooksLikeIdentifier(part) && WholeWordPosition(text, part) is var p and >= 0 && (best < 0 || p < best))
            {
                best = p;
            }
        }

        return best;
    }

    private static bool LooksLikeIdentifier(string part)
    {
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '_' || char.IsAsciiDigit(part[i]) || (i > 0 && char.IsUpper(part[i])))
            {
                return true;
            }
        }

        return false;
    }

    private static int WholeWordPosition(string text, string word)
    {
        for (var i = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = i + word.Length;
            if ((i == 0 || !IsWordChar(text[i - 1])) && (end == text.Length || !IsWordChar(text[end])))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
