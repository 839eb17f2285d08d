using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Connectors.Vllm.Testing.Server;

/// <summary>
/// A deterministic toy tokenizer (GPT-2-like pre-tokenization, hashed ids). Concatenating the tokens of a text
/// gives the text back exactly; ids are stable across runs and servers.
/// </summary>
internal sealed partial class TestTokenizer
{
    private readonly ConcurrentDictionary<int, string> _vocabulary = new();

    public List<string> Split(string text)
    {
        var tokens = new List<string>();
        foreach (Match m in TokenPattern().Matches(text))
        {
            tokens.Add(m.Value);
        }

        return tokens;
    }

    public int Count(string text) => TokenPattern().Count(text);

    public int Id(string token)
    {
        // FNV-1a over UTF-16 code units: stable, cheap, good enough for a toy vocabulary.
        var hash = 2166136261u;
        foreach (var c in token)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var id = (int)(hash % 150_000u) + 100;
        _vocabulary.TryAdd(id, token);
        return id;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        foreach (var id in ids)
        {
            sb.Append(_vocabulary.TryGetValue(id, out var t) ? t : string.Empty);
        }

        return sb.ToString();
    }

    /// <summary>The raw token string as byte-level BPE tokenizers show it (leading space as Ġ, newline as Ċ).</summary>
    public static string TokenString(string token) =>
        token.Replace(' ', 'Ġ').Replace('\n', 'Ċ');

    [GeneratedRegex(@"<\|[a-z_]+\|>|</?think>|</?tool_call>| ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]|\s+(?!\S)|\s", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
