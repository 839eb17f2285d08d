namespace Connectors.Vllm;

/// <summary>
/// Keeps a conversation inside the model's context window, counted by the server's own tokenizer and chat
/// template: drops the oldest non-system turns, never separates a tool call from its result, and fails with a
/// clear <see cref="VllmException"/> when the newest turn alone does not fit (instead of letting vLLM answer 400).
/// </summary>
/// <remarks>
/// <para><b>Use.</b> <c>builder.UseChatReducer(reducer)</c> (MEAI's <c>ReducingChatClient</c>) reduces with the output
/// reserve from <see cref="VllmTokenBudgetOptions"/> or the model entry, since an <see cref="IChatReducer"/> never sees the
/// request's options. <c>builder.UseVllmTokenBudget(reducer)</c> also reads the request's
/// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.ModelId"/> and tools, and applies the clamped output
/// size when <see cref="VllmTokenBudgetOptions.ClampMaxOutputTokens"/> is set.</para>
/// <para><b>How it counts, with one <c>/tokenize</c> call in the common case.</b> vLLM's <c>/tokenize</c> renders a whole
/// chat at once; it cannot count messages one by one in one call. So the reducer tokenizes the full chat once (with the
/// request's tools). If it fits — the common case — that was the only call. If not, each message gets an estimated share
/// of the measured total, proportional to its text size plus a fixed per-message template overhead; the oldest turns are
/// dropped until the estimate fits, and the candidate is tokenized again to confirm the exact count. If it still does not
/// fit (the estimate was low), the share is re-measured on the candidate and more turns are dropped; every confirmed
/// answer is an exact count, never an estimate. A turn starts at a user message and runs to the next one, so an assistant
/// tool call and its tool results always stay together; system messages are always kept.</para>
/// <para>Thread-safe; one instance can serve concurrent calls.</para>
/// </remarks>
public sealed class VllmTokenBudgetChatReducer : IChatReducer
{
    private const int PerMessageOverheadChars = 16;

    private readonly VllmTokenizer _tokenizer;
    private readonly int? _contextWindow;
    private readonly int? _maxOutputTokens;
    private readonly int _minOutputTokens;
    private readonly int _safetyMargin;
    private readonly bool _clamp;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="tokenizer">The server's tokenizer (its default model is the one counted for).</param>
    /// <param name="options">Budget options (copied); <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A budget option is negative or zero where it must be positive.</exception>
    public VllmTokenBudgetChatReducer(VllmTokenizer tokenizer, VllmTokenBudgetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        options ??= new VllmTokenBudgetOptions();
        if (options.ContextWindow is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ContextWindow, "ContextWindow must be positive.");
        }

        if (options.MaxOutputTokens is < 0 || options.MinOutputTokens < 0 || options.SafetyMarginTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxOutputTokens, MinOutputTokens and SafetyMarginTokens must not be negative.");
        }

        _contextWindow = options.ContextWindow;
        _maxOutputTokens = options.MaxOutputTokens;
        _minOutputTokens = options.MinOutputTokens;
        _safetyMargin = options.SafetyMarginTokens;
        _clamp = options.ClampMaxOutputTokens;
    }

    /// <summary>Gets whether the requested output is clamped to what fits (<see cref="VllmTokenBudgetOptions.ClampMaxOutputTokens"/>).</summary>
    internal bool ClampsMaxOutputTokens => _clamp;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The newest turn alone does not fit, or the server failed.</exception>
    public async Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = await ReduceWithBudgetAsync(messages, null, cancellationToken).ConfigureAwait(false);
        return result.Messages;
    }

    /// <summary>Reduces <paramref name="messages"/> for a request with <paramref name="chatOptions"/>: its model, tools and
    /// <see cref="ChatOptions.MaxOutputTokens"/> are taken into account.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">The request's options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The messages that fit, their exact token count and the output size to request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The newest turn alone does not fit, the context window is unknown, or the server failed.</exception>
    public async Task<VllmTokenBudgetResult> ReduceWithBudgetAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var all = messages as IReadOnlyList<ChatMessage> ?? new List<ChatMessage>(messages);
        var tokenizeOptions = new VllmTokenizeOptions
        {
            ModelId = chatOptions?.ModelId,
            Tools = chatOptions?.Tools,
            Instructions = chatOptions?.Instructions,
            ChatTemplateKwargs = chatOptions?.AdditionalProperties?.TryGetValue(VllmChatOptionsExtensions.ChatTemplateKwargs, out var kwargs) == true
                ? kwargs as IDictionary<string, object?>
                : null,
        };
        var model = _tokenizer.ModelFor(tokenizeOptions);
        var entry = await _tokenizer.Http.FindModelAsync(model, cancellationToken).ConfigureAwait(false);

        var calls = 1;
        // Counted as the chat client sends them: ChatOptions.Instructions merged into the system prompt.
        var measured = await _tokenizer.TokenizeAsync(all, tokenizeOptions, cancellationToken).ConfigureAwait(false);
        var window = _contextWindow ?? entry?.ContextWindow ?? measured.MaxModelLen
            ?? throw new VllmException("The token-budget reducer cannot tell the model's context window: the model entry has none and the server's /tokenize answer has no max_model_len.", $"Set ContextWindow on the model entry ({_tokenizer.Http.Endpoint.Setting("Models")}) or on VllmTokenBudgetOptions.", innerException: null);

        var requested = chatOptions?.MaxOutputTokens ?? _maxOutputTokens ?? entry?.MaxTokens;
        var reserve = _clamp ? Math.Min(_minOutputTokens, requested ?? _minOutputTokens) : requested ?? _minOutputTokens;
        var budget = window - reserve - _safetyMargin;

        if (measured.Count <= budget)
        {
            return new VllmTokenBudgetResult(all, measured.Count, window, OutputFor(requested, window, measured.Count), 0, calls, reserve);
        }

        var units = Split(all);
        var firstKept = 0; // index into units.Turns of the oldest turn kept
        var candidateTokens = measured.Count;
        var candidateWeight = Weigh(all);
        List<ChatMessage> candidate;
        while (true)
        {
            // Estimated tokens per weight unit, from the last exact count.
            var perWeight = candidateWeight == 0 ? 0 : (double)candidateTokens / candidateWeight;
            var estimate = (double)candidateTokens;
            var next = firstKept;
            while (next < units.Turns.Count - 1 && estimate > budget)
            {
                estimate -= perWeight * units.TurnWeights[next];
                next++;
            }

            if (next == firstKept)
            {
                // Nothing more can be dropped: only the newest turn (and the system messages) remain.
                throw TooLarge(candidateTokens, window, reserve, budget, firstKept == 0 && units.Turns.Count == 1);
            }

            firstKept = next;
            candidate = units.Compose(firstKept);
            calls++;
            var confirmed = await _tokenizer.TokenizeAsync(candidate, tokenizeOptions, cancellationToken).ConfigureAwait(false);
            candidateTokens = confirmed.Count;
            candidateWeight = Weigh(candidate);
            if (candidateTokens <= budget)
            {
                break;
            }
        }

        return new VllmTokenBudgetResult(candidate, candidateTokens, window, OutputFor(requested, window, candidateTokens), all.Count - candidate.Count, calls, reserve);
    }

    private int? OutputFor(int? requested, int window, int promptTokens)
    {
        if (!_clamp)
        {
            return requested;
        }

        var fits = Math.Max(1, window - promptTokens - _safetyMargin);
        return requested is { } r ? Math.Min(r, fits) : fits;
    }

    private static VllmException TooLarge(int tokens, int window, int reserve, int budget, bool single)
    {
        var inv = CultureInfo.InvariantCulture;
        var what = single ? "the conversation" : "the newest turn alone (with the system messages)";
        return new VllmException(
            $"The token-budget reducer cannot fit the prompt into the context window, so nothing was sent: {what} needs {tokens.ToString(inv)} tokens, but the model's context window is {window.ToString(inv)} tokens and {reserve.ToString(inv)} are reserved for the output, leaving {Math.Max(0, budget).ToString(inv)} for the prompt.",
            "Shorten the last message (or the tool results it carries), lower ChatOptions.MaxOutputTokens / the model entry's MaxTokens (or set ClampMaxOutputTokens), or use a model with a larger context window (vllm serve --max-model-len).",
            innerException: null);
    }

    /// <summary>The text size a message contributes, plus a fixed overhead for the template's role markers.</summary>
    internal static long Weigh(ChatMessage message)
    {
        long weight = PerMessageOverheadChars;
        foreach (var content in message.Contents)
        {
            weight += content switch
            {
                TextContent text => text.Text?.Length ?? 0,
                TextReasoningContent reasoning => reasoning.Text?.Length ?? 0,
                FunctionCallContent call => call.Name.Length + ArgumentsLength(call.Arguments) + PerMessageOverheadChars,
                FunctionResultContent result => (result.Result?.ToString()?.Length ?? 0) + PerMessageOverheadChars,
                DataContent data => data.Data.Length / 4,
                _ => PerMessageOverheadChars,
            };
        }

        return weight;
    }

    private static long Weigh(IReadOnlyList<ChatMessage> messages)
    {
        long total = 0;
        foreach (var message in messages)
        {
            total += Weigh(message);
        }

        return total;
    }

    private static long ArgumentsLength(IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            return 2;
        }

        long length = 2;
        foreach (var (key, value) in arguments)
        {
            length += key.Length + 4 + (value?.ToString()?.Length ?? 4);
        }

        return length;
    }

    /// <summary>Splits a conversation into pinned system messages and droppable turns.</summary>
    internal static Conversation Split(IReadOnlyList<ChatMessage> messages)
    {
        var turnOf = new int[messages.Count];
        var turns = new List<List<int>>();
        var pending = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role == ChatRole.System)
            {
                turnOf[i] = -1;
                continue;
            }

            // A user message opens a new turn, unless a tool call of the current turn still waits for its result.
            if (turns.Count == 0 || (message.Role == ChatRole.User && pending.Count == 0))
            {
                turns.Add([]);
            }

            turns[^1].Add(i);
            turnOf[i] = turns.Count - 1;
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    pending.Add(call.CallId);
                }
                else if (content is FunctionResultContent result)
                {
                    pending.Remove(result.CallId);
                }
            }
        }

        var weights = new long[turns.Count];
        for (var t = 0; t < turns.Count; t++)
        {
            foreach (var index in turns[t])
            {
                weights[t] += Weigh(messages[index]);
            }
        }

        return new Conversation(messages, turnOf, turns, weights);
    }

    /// <summary>A conversation split into system messages (turn -1) and turns.</summary>
    internal sealed class Conversation(IReadOnlyList<ChatMessage> messages, int[] turnOf, List<List<int>> turns, long[] turnWeights)
    {
        public List<List<int>> Turns { get; } = turns;

        public long[] TurnWeights { get; } = turnWeights;

        /// <summary>All system messages and the turns from <paramref name="firstKept"/> on, in the original order.</summary>
        public List<ChatMessage> Compose(int firstKept)
        {
            var kept = new List<ChatMessage>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                if (turnOf[i] < 0 || turnOf[i] >= firstKept)
                {
                    kept.Add(messages[i]);
                }
            }

            return kept;
        }
    }
}
