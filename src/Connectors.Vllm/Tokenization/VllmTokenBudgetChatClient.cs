using System.Runtime.CompilerServices;

namespace Connectors.Vllm.Tokenization;

/// <summary>
/// The middleware behind <see cref="VllmTokenBudgetChatClientBuilderExtensions.UseVllmTokenBudget"/>: reduces each request
/// with the request's own options visible (model, tools, <see cref="ChatOptions.MaxOutputTokens"/>) and applies the clamped
/// output size, on a copy of the options (the caller's instance is never changed).
/// </summary>
internal sealed class VllmTokenBudgetChatClient(IChatClient innerClient, VllmTokenBudgetChatReducer reducer) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (reduced, effective) = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(reduced, effective, cancellationToken).ConfigureAwait(false);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (reduced, effective) = await ReduceAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(reduced, effective, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<(IEnumerable<ChatMessage> Messages, ChatOptions? Options)> ReduceAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var result = await reducer.ReduceWithBudgetAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (!reducer.ClampsMaxOutputTokens || result.MaxOutputTokens == options?.MaxOutputTokens)
        {
            return (result.Messages, options);
        }

        var effective = options?.Clone() ?? new ChatOptions();
        effective.MaxOutputTokens = result.MaxOutputTokens;
        return (result.Messages, effective);
    }
}
