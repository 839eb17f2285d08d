namespace Connectors.Vllm;

/// <summary>How <see cref="VllmTokenBudgetChatReducer"/> sizes a conversation.</summary>
public sealed class VllmTokenBudgetOptions
{
    /// <summary>Gets or sets the context window in tokens. <see langword="null"/> (the default) uses the configured model
    /// entry's <see cref="VllmModelDefinition.ContextWindow"/>, else the <c>max_model_len</c> that <c>/tokenize</c> reports.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the output tokens to reserve when the request does not say
    /// (<see cref="Microsoft.Extensions.AI.ChatOptions.MaxOutputTokens"/> is only visible through
    /// <see cref="VllmTokenBudgetChatClientBuilderExtensions.UseVllmTokenBudget"/>). <see langword="null"/> uses the model
    /// entry's <see cref="VllmModelDefinition.MaxTokens"/>, else <see cref="MinOutputTokens"/>.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the fewest output tokens a reduced request must leave room for. Default 256.</summary>
    public int MinOutputTokens { get; set; } = 256;

    /// <summary>Gets or sets tokens kept free on top of the output reserve, for template differences between the counted
    /// and the sent request. Default 0.</summary>
    public int SafetyMarginTokens { get; set; }

    /// <summary>Gets or sets whether the requested output is clamped instead of reserved in full. When
    /// <see langword="true"/>, a conversation is kept as long as <see cref="MinOutputTokens"/> still fit, and
    /// <see cref="VllmTokenBudgetResult.MaxOutputTokens"/> becomes the smaller of the requested value and what fits
    /// (applied to the request by <see cref="VllmTokenBudgetChatClientBuilderExtensions.UseVllmTokenBudget"/>). When
    /// <see langword="false"/> (the default), the whole requested output is reserved and older turns are dropped to make room.</summary>
    public bool ClampMaxOutputTokens { get; set; }
}
