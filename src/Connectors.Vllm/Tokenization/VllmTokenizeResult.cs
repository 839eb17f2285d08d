namespace Connectors.Vllm;

/// <summary>What vLLM's <c>/tokenize</c> answered.</summary>
public sealed class VllmTokenizeResult
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="count">The number of tokens.</param>
    /// <param name="maxModelLen">The model's context window (<c>max_model_len</c>), or <see langword="null"/> when the server did not say.</param>
    /// <param name="tokens">The token ids.</param>
    /// <param name="tokenStrings">The raw token strings, or <see langword="null"/> when they were not requested.</param>
    internal VllmTokenizeResult(int count, int? maxModelLen, IReadOnlyList<int> tokens, IReadOnlyList<string>? tokenStrings)
    {
        Count = count;
        MaxModelLen = maxModelLen;
        Tokens = tokens;
        TokenStrings = tokenStrings;
    }

    /// <summary>Gets the number of tokens. vLLM does not length-check tokenization, so this may exceed <see cref="MaxModelLen"/>.</summary>
    public int Count { get; }

    /// <summary>Gets the model's context window in tokens (vLLM's <c>max_model_len</c>), or <see langword="null"/>.</summary>
    public int? MaxModelLen { get; }

    /// <summary>Gets the token ids.</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>Gets the tokenizer's raw token strings (for example <c>"Ġworld"</c>), or <see langword="null"/> unless
    /// <see cref="VllmTokenizeOptions.ReturnTokenStrings"/> was set.</summary>
    public IReadOnlyList<string>? TokenStrings { get; }
}
