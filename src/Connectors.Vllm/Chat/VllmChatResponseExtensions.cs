namespace Connectors.Vllm;

/// <summary>vLLM's extras on the answers of <see cref="VllmChatClient"/>: typed per-token log-probabilities.</summary>
public static class VllmChatResponseExtensions
{
    /// <summary>The key under which an update (and a non-streamed answer) carries its tokens' logprobs: vLLM's field name.</summary>
    internal const string LogprobsKey = "logprobs";

    /// <summary>The key under which a stream's finish update carries the whole answer's logprobs, so that a response
    /// combined from the updates (<c>ToChatResponse</c>, which keeps the last value of each key) has them all.</summary>
    internal const string AnswerLogprobsKey = "vllm.answer_logprobs";

    /// <summary>Gets the log-probabilities of the answer's tokens (reasoning, text and tool-call tokens, in order), streamed
    /// (a response combined from the updates) or not.</summary>
    /// <param name="response">An answer of <see cref="VllmChatClient"/>.</param>
    /// <returns>The tokens, or an empty list when none were asked for (<see cref="VllmChatOptionsExtensions.WithLogprobs"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<VllmTokenLogprob> GetVllmLogprobs(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        // A combined stream keeps the last value of each key (on the response or, in newer MEAI, on the message): the
        // whole answer's list first, then a non-streamed answer's own.
        if (FindAnswer(response.AdditionalProperties) is { } found)
        {
            return found;
        }

        foreach (var message in response.Messages)
        {
            if (FindAnswer(message.AdditionalProperties) is { } inMessage)
            {
                return inMessage;
            }
        }

        return [];
    }

    /// <summary>Gets the log-probabilities of the tokens one streamed update carries.</summary>
    /// <param name="update">An update of <see cref="VllmChatClient"/>'s stream.</param>
    /// <returns>The update's tokens, or an empty list when it carries none or none were asked for.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<VllmTokenLogprob> GetVllmLogprobs(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Find(update.AdditionalProperties, LogprobsKey) ?? [];
    }

    private static IReadOnlyList<VllmTokenLogprob>? FindAnswer(AdditionalPropertiesDictionary? properties)
        => Find(properties, AnswerLogprobsKey) ?? Find(properties, LogprobsKey);

    private static IReadOnlyList<VllmTokenLogprob>? Find(AdditionalPropertiesDictionary? properties, string key)
        => properties?.TryGetValue(key, out var value) == true ? value as IReadOnlyList<VllmTokenLogprob> : null;
}
