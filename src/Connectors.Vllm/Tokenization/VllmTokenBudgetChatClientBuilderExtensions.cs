using Connectors.Vllm.Tokenization;

namespace Connectors.Vllm;

/// <summary>Adds <see cref="VllmTokenBudgetChatReducer"/> to a chat pipeline with the request's options visible.</summary>
public static class VllmTokenBudgetChatClientBuilderExtensions
{
    /// <summary>
    /// Reduces every request to the model's context window before it is sent, reading the request's
    /// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.ModelId"/> and tools, and (with
    /// <see cref="VllmTokenBudgetOptions.ClampMaxOutputTokens"/>) lowering <see cref="ChatOptions.MaxOutputTokens"/> to what
    /// fits, on a copy of the options. Unlike <c>UseChatReducer</c>, which sees only the messages.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="reducer">The reducer.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="reducer"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseVllmTokenBudget(this ChatClientBuilder builder, VllmTokenBudgetChatReducer reducer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(reducer);
        return builder.Use(inner => new VllmTokenBudgetChatClient(inner, reducer));
    }
}
