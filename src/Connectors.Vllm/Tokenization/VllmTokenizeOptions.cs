namespace Connectors.Vllm;

/// <summary>Options for one <see cref="VllmTokenizer"/> call; every unset value keeps vLLM's default.</summary>
public sealed class VllmTokenizeOptions
{
    /// <summary>Gets or sets the model whose tokenizer is used; <see langword="null"/> uses the tokenizer's default model
    /// (or, when that is unset too, the server's first served model).</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets whether special tokens (BOS, …) are added (vLLM's <c>add_special_tokens</c>; default
    /// <see langword="true"/> for text, <see langword="false"/> for messages, whose chat template adds them).</summary>
    public bool? AddSpecialTokens { get; set; }

    /// <summary>Gets or sets whether the raw token strings are returned too (vLLM's <c>return_token_strs</c>).</summary>
    public bool ReturnTokenStrings { get; set; }

    /// <summary>Gets or sets whether the assistant generation prompt is appended when messages are rendered
    /// (vLLM's <c>add_generation_prompt</c>; default <see langword="true"/>, as for a chat request).</summary>
    public bool? AddGenerationPrompt { get; set; }

    /// <summary>Gets or sets whether the last message is left open for continuation (vLLM's <c>continue_final_message</c>).</summary>
    public bool? ContinueFinalMessage { get; set; }

    /// <summary>Gets or sets instructions merged into the system prompt as the chat client merges
    /// <see cref="ChatOptions.Instructions"/>, so the count is of what a chat request with them sends.</summary>
    public string? Instructions { get; set; }

    /// <summary>Gets or sets the tools the chat template renders with the messages (function declarations only).</summary>
    public IList<AITool>? Tools { get; set; }

    /// <summary>Gets or sets extra chat-template arguments (vLLM's <c>chat_template_kwargs</c>, for example <c>enable_thinking</c>).</summary>
    public IDictionary<string, object?>? ChatTemplateKwargs { get; set; }
    /// <summary>Adds a header to this call's request (for example a router's routing or tenant header); a later call with the
    /// same name replaces the value. <c>X-Request-Id</c> given here becomes the request id.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value (never logged).</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, not a header name, <c>Authorization</c> (set
    /// VllmProviderOptions.ApiKey) or <c>User-Agent</c> (set VllmProviderOptions.Headers), or <paramref name="value"/> has a line break.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="value"/> is <see langword="null"/>.</exception>
    public VllmTokenizeOptions WithRequestHeader(string name, string value)
    {
        RequestHeaders = Connectors.Vllm.Http.VllmRequestHeaders.With(RequestHeaders, name, value);
        return this;
    }

    /// <summary>The headers set with <see cref="WithRequestHeader"/> (copied on change), or <see langword="null"/>.</summary>
    internal System.Collections.Generic.IReadOnlyDictionary<string, string>? RequestHeaders { get; private set; }

    /// <summary>This call's headers (a new request id each time it is asked).</summary>
    internal Connectors.Vllm.Http.VllmRequestHeaders CallHeaders() => Pipeline.VllmCallHeaders.For(RequestHeaders);
}
