namespace Connectors.Vllm.ChatProtocol;

/// <summary>The one generator of the tool-call ids this library makes up (a call the server sent without an id, a call
/// recovered from text): 9 characters from a-z, A-Z, 0-9, the form every chat template accepts and vLLM's Mistral
/// tokenizer mode requires ("Tool call id was … but must be a-z, A-Z, 0-9, with a length of 9").</summary>
internal static class VllmToolCallIds
{
    /// <summary>The length of a generated id.</summary>
    public const int Length = 9;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A new id: <see cref="Length"/> random alphanumeric characters (not a secret: <see cref="Random.Shared"/>).</summary>
    public static string New() => string.Create(Length, 0, static (span, _) => Random.Shared.GetItems(Alphabet.AsSpan(), span));

    /// <summary>Whether <paramref name="id"/> has the form of a generated id (9 characters a-z, A-Z, 0-9).</summary>
    public static bool IsValid(string? id)
    {
        if (id is not { Length: Length })
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
