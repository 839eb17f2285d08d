namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// <see cref="VllmProviderOptions.ToolCallRecovery"/> for one answer, hooked into the one choice reader
/// (<see cref="VllmChatStreamParser"/>): the answer's text goes through a <see cref="VllmToolCallScanner"/> (with
/// <see cref="VllmToolCallRecovery.Recover"/> markup is held back and left out), the reasoning is only looked at, and at the
/// finish the calls found become <see cref="FunctionCallContent"/>s (Recover) or a Warning (Warn).
/// </summary>
/// <remarks>Made only when the request had tools and did not say <see cref="ChatToolMode.None"/>: otherwise the reader
/// pays nothing. Markup in the reasoning is left there (it is the model's thinking); its calls are used only when the
/// answer has no text and no call of its own. One instance per answer; not thread-safe.</remarks>
internal sealed class VllmToolCallRecoverer
{
    private const string TextLocation = "text";
    private const string ReasoningLocation = "reasoning";

    private readonly bool _recover;
    private readonly VllmToolCallTools _tools;
    private readonly ILogger _logger;
    private VllmToolCallScanner? _text;
    private VllmToolCallScanner? _reasoning;

    private VllmToolCallRecoverer(bool recover, VllmToolCallTools tools, ILogger logger)
    {
        _recover = recover;
        _tools = tools;
        _logger = logger;
    }

    /// <summary>The recoverer for one answer, or <see langword="null"/> when there is nothing to look for.</summary>
    public static VllmToolCallRecoverer? For(ChatOptions? options, VllmToolCallRecovery mode, ILogger logger)
        => mode is VllmToolCallRecovery.Off || options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode
            ? null
            : new VllmToolCallRecoverer(mode == VllmToolCallRecovery.Recover, new VllmToolCallTools(tools), logger);

    /// <summary>Reads a text delta.</summary>
    /// <returns>The text to pass on: with Recover, without markup (and without what may still become markup); with Warn,
    /// <paramref name="text"/> unchanged.</returns>
    public string? FilterText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var passed = (_text ??= new VllmToolCallScanner(_tools)).Feed(text);
        return _recover ? passed : text;
    }

    /// <summary>Reads a reasoning delta (passed on unchanged by the caller).</summary>
    public void ObserveReasoning(string? reasoning)
    {
        if (!string.IsNullOrEmpty(reasoning))
        {
            (_reasoning ??= new VllmToolCallScanner(_tools)).Feed(reasoning);
        }
    }

    /// <summary>At the finish: adds the held text that was not markup and (Recover) the recovered calls to
    /// <paramref name="contents"/>, and logs.</summary>
    /// <param name="contents">The finishing update's contents.</param>
    /// <param name="finish">The server's finish reason.</param>
    /// <param name="serverCalls">Whether the server sent tool calls itself (then nothing is recovered).</param>
    /// <returns>The finish reason: <see cref="ChatFinishReason.ToolCalls"/> when calls were recovered, else <paramref name="finish"/>.</returns>
    public ChatFinishReason? Complete(ref List<AIContent>? contents, ChatFinishReason? finish, bool serverCalls)
    {
        var heldText = _text?.Complete();
        _reasoning?.Complete();
        var textCalls = _text?.Calls ?? [];
        var reasoningCalls = _reasoning?.Calls ?? [];
        var (location, scanner) = _text?.Family is not null ? (TextLocation, _text) : (ReasoningLocation, _reasoning);
        IReadOnlyList<VllmRecoveredCall> calls = serverCalls ? []
            : textCalls.Count > 0 ? textCalls
            : reasoningCalls.Count > 0 && _text?.ReleasedText != true && string.IsNullOrWhiteSpace(heldText) ? reasoningCalls
            : [];
        if (calls.Count > 0 && ReferenceEquals(calls, reasoningCalls))
        {
            (location, scanner) = (ReasoningLocation, _reasoning);
        }

        if (scanner?.Family is not { } family)
        {
            Release(ref contents, heldText);
            return finish;
        }

        if (!_recover)
        {
            _logger.ToolCallMarkupLeaked(location, VllmToolCallMarkup.DisplayName(family), scanner.Calls.Count,
                Hint(family, location) + " Or set ToolCallRecovery = Recover to turn such markup into tool calls.");
            return finish;
        }

        if (calls.Count == 0)
        {
            // Nothing used: the markup goes back where it was (calls left out of the text included).
            Release(ref contents, _text?.TakeCallMarkup() + heldText);
            var reason = serverCalls ? " The server sent tool calls of its own, so the markup was left as it was."
                : location == ReasoningLocation && reasoningCalls.Count > 0 ? " The answer has text of its own, so the calls in the reasoning were not used."
                : " Its arguments are not valid JSON, so it was left in the text.";
            _logger.ToolCallMarkupLeaked(location, VllmToolCallMarkup.DisplayName(family), scanner.Calls.Count, Hint(family, location) + reason);
            return finish;
        }

        if (_text?.ReleasedText == true || !string.IsNullOrWhiteSpace(heldText))
        {
            Release(ref contents, heldText); // white space alone before the markup is dropped with it
        }

        foreach (var call in calls)
        {
            (contents ??= []).Add(call.ToContent());
        }

        _logger.ToolCallMarkupRecovered(location, VllmToolCallMarkup.DisplayName(family), calls.Count, Hint(family, location));
        return ChatFinishReason.ToolCalls;
    }

    private static string Hint(VllmToolCallFamily family, string location)
        => $"Start vLLM with --enable-auto-tool-choice --tool-call-parser {VllmToolCallMarkup.ParserName(family)} (the parser for this model's format)"
            + (location == ReasoningLocation ? " and check --reasoning-parser: the call was inside the model's reasoning, where the reasoning parser put it." : ".");

    private static void Release(ref List<AIContent>? contents, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            (contents ??= []).Add(new TextContent(text));
        }
    }
}
