using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// Warns, once per client and key, about an <c>AdditionalProperties</c> key that is not sent (a misspelt extra such
/// as <c>top_kk</c> would otherwise vanish without a trace), naming the closest field that is. Only keys are logged,
/// never values. Thread-safe.
/// </summary>
internal sealed class VllmUnknownKeyReporter
{
    /// <summary>Beyond this many distinct keys a client stops reporting, so generated keys cannot grow memory.</summary>
    private const int MaxReportedKeys = 256;

    /// <summary>Keys MEAI itself reads from <see cref="ChatOptions.AdditionalProperties"/> (its OpenAI mapping of
    /// <see cref="ChatOptions.ResponseFormat"/> reads <c>strict</c>): handled, so never reported.</summary>
    private static readonly string[] MeaiChatKeys = ["strict", .. Pipeline.VllmCallHeaders.Keys];

    /// <summary>Standard request fields that travel through a typed <see cref="ChatOptions"/> property instead.</summary>
    private static readonly KeyValuePair<string, string>[] ChatTyped =
    [
        new("temperature", "ChatOptions.Temperature"),
        new("top_p", "ChatOptions.TopP"),
        new("frequency_penalty", "ChatOptions.FrequencyPenalty"),
        new("presence_penalty", "ChatOptions.PresencePenalty"),
        new("seed", "ChatOptions.Seed"),
        new("max_tokens", "ChatOptions.MaxOutputTokens"),
        new("max_completion_tokens", "ChatOptions.MaxOutputTokens"),
        new("stop", "ChatOptions.StopSequences"),
        new("tools", "ChatOptions.Tools"),
        new("tool_choice", "ChatOptions.ToolMode"),
        new("parallel_tool_calls", "ChatOptions.AllowMultipleToolCalls"),
        new("response_format", "ChatOptions.ResponseFormat"),
        new("model", "ChatOptions.ModelId"),
    ];

    /// <summary>Said of a key that is no near-misspelling of a field: the way to send a field of a vLLM newer than this
    /// library (the SDK options' JSON patch, which the chat writer and the embeddings plan copy like every raw option).</summary>
    private const string ChatNewFieldHint = " A field of a vLLM newer than this library is sent through ChatOptions.RawRepresentationFactory: return a ChatCompletionOptions whose Patch sets it (options.Patch.Set(\"$.<field>\"u8, value)).";

    /// <inheritdoc cref="ChatNewFieldHint"/>
    private const string EmbeddingsNewFieldHint = " A field of a vLLM newer than this library is sent through EmbeddingGenerationOptions.RawRepresentationFactory: return an OpenAI.Embeddings.EmbeddingGenerationOptions whose Patch sets it (options.Patch.Set(\"$.<field>\"u8, value)).";

    /// <summary>Keys at a larger edit distance from every sent field are not taken for a misspelling of one.</summary>
    private const int MisspellingDistance = 2;

    private static readonly KeyValuePair<string, string>[] EmbeddingTyped =
    [
        new("dimensions", "EmbeddingGenerationOptions.Dimensions"),
        new("model", "EmbeddingGenerationOptions.ModelId"),
    ];

    private readonly ILogger _logger;
    private readonly string _optionsType;
    private readonly FrozenSet<string> _handled;
    private readonly string[] _wireNames;
    private readonly FrozenDictionary<string, string> _typed;
    private readonly string _newFieldHint;
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);
    private int _reportedCount;

    private VllmUnknownKeyReporter(ILogger logger, string optionsType, IEnumerable<string> wireNames, IEnumerable<string> alsoHandled, KeyValuePair<string, string>[] typed, string newFieldHint)
    {
        _newFieldHint = newFieldHint;
        _logger = logger;
        _optionsType = optionsType;
        _wireNames = [.. wireNames];
        var handled = new HashSet<string>(_wireNames, StringComparer.Ordinal);
        handled.UnionWith(alsoHandled);
        _handled = handled.ToFrozenSet(StringComparer.Ordinal);
        _typed = typed.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A reporter for <see cref="ChatOptions.AdditionalProperties"/> keys.</summary>
    public static VllmUnknownKeyReporter ForChat(ILogger logger)
        => new(logger, nameof(ChatOptions), VllmChatOptionsExtensions.FieldNames, MeaiChatKeys, ChatTyped, ChatNewFieldHint);

    /// <summary>A reporter for <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> keys.</summary>
    public static VllmUnknownKeyReporter ForEmbeddings(ILogger logger, IEnumerable<string> wireNames)
        => new(logger, nameof(EmbeddingGenerationOptions), wireNames, Pipeline.VllmCallHeaders.Keys, EmbeddingTyped, EmbeddingsNewFieldHint);

    /// <summary>Logs each key of <paramref name="properties"/> that is not sent and was not reported before.</summary>
    public void Report(AdditionalPropertiesDictionary? properties)
    {
        if (properties is not { Count: > 0 } || !_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        foreach (var (key, _) in properties)
        {
            if (_handled.Contains(key) || _reported.ContainsKey(key) || Volatile.Read(ref _reportedCount) >= MaxReportedKeys || !_reported.TryAdd(key, 0))
            {
                continue;
            }

            Interlocked.Increment(ref _reportedCount);

            _logger.UnknownOptionKey(_optionsType, key, Suggest(key));
        }
    }

    private string Suggest(string key)
    {
        var normalized = key.Replace('-', '_');
        if (_typed.TryGetValue(normalized, out var property))
        {
            return $"Set {property} instead.";
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in _wireNames)
        {
            var distance = EditDistance(normalized, name);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        var closest = best is null ? "No field is sent from AdditionalProperties." : $"The closest field that is sent is \"{best}\".";
        return bestDistance > MisspellingDistance ? closest + _newFieldHint : closest;
    }

    /// <summary>Levenshtein distance, case-insensitive (ASCII wire names).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var ca = char.ToLowerInvariant(a[i - 1]);
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = ca == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
