namespace Connectors.Vllm;

/// <summary>
/// One generated token with its log-probability, as vLLM reports it when asked
/// (<see cref="VllmChatOptionsExtensions.WithLogprobs"/>): the token's text, its natural-log probability, its UTF-8 bytes
/// and the most likely tokens at that position.
/// </summary>
/// <remarks>Read with <see cref="VllmChatResponseExtensions.GetVllmLogprobs(Microsoft.Extensions.AI.ChatResponse)"/>.
/// vLLM writes <c>-inf</c> as <c>-9999.0</c>; with <c>return_tokens_as_token_ids</c> a token reads <c>"token_id:&lt;id&gt;"</c>.</remarks>
public sealed class VllmTokenLogprob
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="token">The token's text.</param>
    /// <param name="logprob">The token's log-probability (natural log, at most 0).</param>
    /// <param name="bytes">The token's UTF-8 bytes, or <see langword="null"/> when the server sent none.</param>
    /// <param name="topLogprobs">The most likely tokens at this position, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public VllmTokenLogprob(string token, double logprob, IReadOnlyList<byte>? bytes = null, IReadOnlyList<VllmTokenLogprob>? topLogprobs = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        Logprob = logprob;
        Bytes = bytes;
        TopLogprobs = topLogprobs ?? [];
    }

    /// <summary>Gets the token's text.</summary>
    public string Token { get; }

    /// <summary>Gets the token's log-probability (natural log; <c>Math.Exp</c> of it is the probability).</summary>
    public double Logprob { get; }

    /// <summary>Gets the token's UTF-8 bytes (a token may hold part of a character), or <see langword="null"/> when the
    /// server sent none.</summary>
    public IReadOnlyList<byte>? Bytes { get; }

    /// <summary>Gets the most likely tokens at this position (as many as <c>topLogprobs</c> asked for), or an empty list.</summary>
    public IReadOnlyList<VllmTokenLogprob> TopLogprobs { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Token} ({Logprob})");
}
