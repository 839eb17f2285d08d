namespace Connectors.Vllm.ChatProtocol;

/// <summary>What the chat client resolved before writing a request.</summary>
/// <param name="ModelId">The model id sent as <c>model</c>.</param>
/// <param name="Model">The model entry (configured or discovered), or <see langword="null"/>.</param>
/// <param name="Features">What the server version accepts.</param>
/// <param name="Stream">Whether the response is streamed.</param>
internal sealed record VllmChatRequest(string ModelId, VllmModelDefinition? Model, VllmServerFeatures Features, bool Stream)
{
    /// <summary>The assistant-message field that sends the history's reasoning back, or <see langword="null"/> when
    /// there is none to send or the server version reads no such field.</summary>
    public string? ReasoningField { get; init; }

    /// <summary>The <c>reasoning_effort</c> to send (already in a value the server version accepts), or
    /// <see langword="null"/> for none.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>Whether to send <c>include_reasoning: false</c> (<see cref="Microsoft.Extensions.AI.ReasoningOutput.None"/>).</summary>
    public bool ExcludeReasoning { get; init; }

    /// <summary>Whether messages carry their author as <c>name</c> (<see cref="VllmProviderOptions.SendMessageNames"/>).</summary>
    public bool SendMessageNames { get; init; } = true;

    /// <summary>The tool call the request requires (<see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/> or a
    /// required function, with tools sent): an answer without a call is then a <see cref="VllmException"/>;
    /// <see langword="null"/> when none is required.</summary>
    public Microsoft.Extensions.AI.RequiredChatToolMode? RequiredTool { get; init; }

    /// <summary>The call's headers (request id, session id, per-request headers); the same on every attempt. The chat client
    /// always sets it; the default (one shared id) only serves requests built outside it (the writer's tests).</summary>
    public Http.VllmRequestHeaders Call { get; init; } = Unset;

    private static readonly Http.VllmRequestHeaders Unset = Http.VllmRequestHeaders.Create();

    /// <summary>The bytes of inline media (before base64) the body carries, already checked against
    /// <see cref="VllmProviderOptions.MaxInlineMediaBytes"/>; 0 for none.</summary>
    public long InlineMediaBytes { get; init; }
}
