namespace Connectors.Vllm;

/// <summary>The outcome of one <see cref="VllmTokenBudgetChatReducer.ReduceWithBudgetAsync"/> call.</summary>
public sealed class VllmTokenBudgetResult
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="messages">The messages to send.</param>
    /// <param name="promptTokens">Their token count as the server's chat template renders them.</param>
    /// <param name="contextWindow">The context window used.</param>
    /// <param name="maxOutputTokens">The output tokens to request, or <see langword="null"/> to leave the request's value as it is.</param>
    /// <param name="droppedMessages">How many messages were left out.</param>
    /// <param name="tokenizeCalls">How many <c>/tokenize</c> calls were made.</param>
    /// <param name="reservedOutputTokens">The output tokens the budget kept free in the context window.</param>
    internal VllmTokenBudgetResult(IReadOnlyList<ChatMessage> messages, int promptTokens, int contextWindow, int? maxOutputTokens, int droppedMessages, int tokenizeCalls, int reservedOutputTokens)
    {
        Messages = messages;
        PromptTokens = promptTokens;
        ContextWindow = contextWindow;
        MaxOutputTokens = maxOutputTokens;
        DroppedMessages = droppedMessages;
        TokenizeCalls = tokenizeCalls;
        ReservedOutputTokens = reservedOutputTokens;
    }

    /// <summary>Gets the messages to send: every system message and the newest turns that fit, in their original order.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets the prompt's token count (measured by <c>/tokenize</c> on exactly <see cref="Messages"/>).</summary>
    public int PromptTokens { get; }

    /// <summary>Gets the context window the budget was computed from.</summary>
    public int ContextWindow { get; }

    /// <summary>Gets the output tokens to request: the clamped value when <see cref="VllmTokenBudgetOptions.ClampMaxOutputTokens"/>
    /// is set, else the requested value; <see langword="null"/> when nothing was requested or configured (the request then
    /// leaves the output size to the server; <see cref="ReservedOutputTokens"/> says what the budget kept free).</summary>
    public int? MaxOutputTokens { get; }

    /// <summary>Gets the output tokens the budget kept free: <see cref="PromptTokens"/> + this + <see cref="VllmTokenBudgetOptions.SafetyMarginTokens"/>
    /// never exceeds <see cref="ContextWindow"/>. Without <see cref="VllmTokenBudgetOptions.ClampMaxOutputTokens"/> it is the request's
    /// <see cref="ChatOptions.MaxOutputTokens"/>, else <see cref="VllmTokenBudgetOptions.MaxOutputTokens"/>, else the model entry's
    /// <see cref="VllmModelDefinition.MaxTokens"/>, else <see cref="VllmTokenBudgetOptions.MinOutputTokens"/>; with it, the smaller of that
    /// value and <see cref="VllmTokenBudgetOptions.MinOutputTokens"/>.</summary>
    public int ReservedOutputTokens { get; }

    /// <summary>Gets how many of the input messages were left out (0 when the conversation fit).</summary>
    public int DroppedMessages { get; }

    /// <summary>Gets how many <c>/tokenize</c> calls the reduction made (1 when the conversation fit).</summary>
    public int TokenizeCalls { get; }
}
