using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace Connectors.Vllm;

/// <summary>
/// vLLM's request fields that <see cref="ChatOptions"/> has no property for: their wire names (the keys to use in
/// <see cref="ChatOptions.AdditionalProperties"/>) and typed extension methods that set them.
/// </summary>
/// <remarks>
/// <para>Every name listed here is sent as a top-level request field with the value found in
/// <see cref="ChatOptions.AdditionalProperties"/>; other keys there are not sent. Values may be
/// <see cref="bool"/>, numbers, <see cref="string"/>, arrays or lists of those, dictionaries with string keys,
/// <see cref="System.Text.Json.JsonElement"/> or <see cref="System.Text.Json.Nodes.JsonNode"/>.</para>
/// <para>A typed <see cref="ChatOptions"/> property wins over the same field given here
/// (for example <see cref="ChatOptions.TopK"/> over <see cref="TopK"/>).</para>
/// <example><code>
/// var options = new ChatOptions { Temperature = 0.7f }
///     .WithMinP(0.05f)
///     .WithRepetitionPenalty(1.1f)
///     .WithEnableThinking(false)
///     .WithStructuredOutputs(VllmStructuredOutputs.Choice("yes", "no"));
/// </code></example>
/// </remarks>
public static class VllmChatOptionsExtensions
{
    /// <summary>Wire name <c>thinking_token_budget</c>: Most tokens spent thinking (int; -1 unlimited).</summary>
    public const string ThinkingTokenBudget = "thinking_token_budget";

    /// <summary>Wire name <c>include_reasoning</c>: Whether reasoning is returned (bool, default true).</summary>
    public const string IncludeReasoning = "include_reasoning";

    /// <summary>Wire name <c>use_beam_search</c>: Beam search instead of sampling (bool).</summary>
    public const string UseBeamSearch = "use_beam_search";

    /// <summary>Wire name <c>top_k</c>: Top-k sampling (int; 0 or -1 off). <c>ChatOptions.TopK</c> is sent under this name.</summary>
    public const string TopK = "top_k";

    /// <summary>Wire name <c>min_p</c>: Minimum probability relative to the most likely token (number in [0, 1]).</summary>
    public const string MinP = "min_p";

    /// <summary>Wire name <c>repetition_penalty</c>: Repetition penalty (number &gt; 0; 1 = off).</summary>
    public const string RepetitionPenalty = "repetition_penalty";

    /// <summary>Wire name <c>length_penalty</c>: Length penalty for beam search (number).</summary>
    public const string LengthPenalty = "length_penalty";

    /// <summary>Wire name <c>stop_token_ids</c>: Token ids that stop generation (int array).</summary>
    public const string StopTokenIds = "stop_token_ids";

    /// <summary>Wire name <c>include_stop_str_in_output</c>: Whether the matched stop string stays in the output (bool).</summary>
    public const string IncludeStopStrInOutput = "include_stop_str_in_output";

    /// <summary>Wire name <c>ignore_eos</c>: Keep generating after the end-of-sequence token (bool).</summary>
    public const string IgnoreEos = "ignore_eos";

    /// <summary>Wire name <c>min_tokens</c>: Fewest tokens generated before a stop may apply (int).</summary>
    public const string MinTokens = "min_tokens";

    /// <summary>Wire name <c>skip_special_tokens</c>: Whether special tokens are left out of the text (bool, default true).</summary>
    public const string SkipSpecialTokens = "skip_special_tokens";

    /// <summary>Wire name <c>spaces_between_special_tokens</c>: Whether special tokens are separated by spaces (bool, default true).</summary>
    public const string SpacesBetweenSpecialTokens = "spaces_between_special_tokens";

    /// <summary>Wire name <c>truncate_prompt_tokens</c>: Keep only the last N prompt tokens (int; -1 = model limit).</summary>
    public const string TruncatePromptTokens = "truncate_prompt_tokens";

    /// <summary>Wire name <c>truncation_side</c>: Which side truncation cuts: "left" or "right".</summary>
    public const string TruncationSide = "truncation_side";

    /// <summary>Wire name <c>prompt_logprobs</c>: Log-probabilities of prompt tokens (int; not with streaming).</summary>
    public const string PromptLogprobs = "prompt_logprobs";

    /// <summary>Wire name <c>logprob_token_ids</c>: Token ids whose log-probabilities are returned (int array; needs logprobs).</summary>
    public const string LogprobTokenIds = "logprob_token_ids";

    /// <summary>Wire name <c>allowed_token_ids</c>: The only token ids that may be generated (int array).</summary>
    public const string AllowedTokenIds = "allowed_token_ids";

    /// <summary>Wire name <c>bad_words</c>: Words that must not be generated (string array).</summary>
    public const string BadWords = "bad_words";

    /// <summary>Wire name <c>echo</c>: Prefix the reply with the last message when roles match (bool).</summary>
    public const string Echo = "echo";

    /// <summary>Wire name <c>add_generation_prompt</c>: Chat-template flag (bool, default true).</summary>
    public const string AddGenerationPrompt = "add_generation_prompt";

    /// <summary>Wire name <c>continue_final_message</c>: Continue the final (assistant) message instead of starting a new one (bool); send add_generation_prompt=false with it.</summary>
    public const string ContinueFinalMessage = "continue_final_message";

    /// <summary>Wire name <c>add_special_tokens</c>: Add BOS and similar tokens on top of the template (bool, default false).</summary>
    public const string AddSpecialTokens = "add_special_tokens";

    /// <summary>Wire name <c>documents</c>: RAG documents passed to the chat template (array of string maps).</summary>
    public const string Documents = "documents";

    /// <summary>Wire name <c>chat_template</c>: A chat template for this request (string; needs --trust-request-chat-template).</summary>
    public const string ChatTemplate = "chat_template";

    /// <summary>Wire name <c>chat_template_kwargs</c>: Chat-template arguments, e.g. {"enable_thinking": false} (object).</summary>
    public const string ChatTemplateKwargs = "chat_template_kwargs";

    /// <summary>Wire name <c>media_io_kwargs</c>: Media loading options (object).</summary>
    public const string MediaIoKwargs = "media_io_kwargs";

    /// <summary>Wire name <c>mm_processor_kwargs</c>: Multimodal processor options (object).</summary>
    public const string MmProcessorKwargs = "mm_processor_kwargs";

    /// <summary>Wire name <c>priority</c>: Scheduling priority; lower is served earlier (int; needs priority scheduling).</summary>
    public const string Priority = "priority";

    /// <summary>Wire name <c>request_id</c>: Request id; the response id becomes chatcmpl-&lt;request_id&gt; (string).</summary>
    public const string RequestId = "request_id";

    /// <summary>Wire name <c>session_id</c>: Sticky session id (string).</summary>
    public const string SessionId = "session_id";

    /// <summary>Wire name <c>return_tokens_as_token_ids</c>: Log-probability tokens appear as "token_id:&lt;id&gt;" (bool).</summary>
    public const string ReturnTokensAsTokenIds = "return_tokens_as_token_ids";

    /// <summary>Wire name <c>return_token_ids</c>: Return prompt and output token ids (bool).</summary>
    public const string ReturnTokenIds = "return_token_ids";

    /// <summary>Wire name <c>routed_experts_prompt_start</c>: MoE routing debug data start (int).</summary>
    public const string RoutedExpertsPromptStart = "routed_experts_prompt_start";

    /// <summary>Wire name <c>return_token_offsets</c>: Render endpoints only (bool).</summary>
    public const string ReturnTokenOffsets = "return_token_offsets";

    /// <summary>Wire name <c>return_prompt_text</c>: Return the rendered prompt text (bool; vLLM 0.21 on).</summary>
    public const string ReturnPromptText = "return_prompt_text";

    /// <summary>Wire name <c>return_assistant_tokens_mask</c>: Render endpoints only (bool).</summary>
    public const string ReturnAssistantTokensMask = "return_assistant_tokens_mask";

    /// <summary>Wire name <c>cache_salt</c>: Prefix-cache isolation salt (non-empty string).</summary>
    public const string CacheSalt = "cache_salt";

    /// <summary>Wire name <c>kv_transfer_params</c>: Disaggregated-prefill parameters (object).</summary>
    public const string KvTransferParams = "kv_transfer_params";

    /// <summary>Wire name <c>ec_transfer_params</c>: Encoder-cache transfer parameters (object).</summary>
    public const string EcTransferParams = "ec_transfer_params";

    /// <summary>Wire name <c>vllm_xargs</c>: Arguments for custom extensions (object).</summary>
    public const string VllmXargs = "vllm_xargs";

    /// <summary>Wire name <c>repetition_detection</c>: Repetition detection {max_pattern_size, min_pattern_size, min_count}; ends with finish reason "repetition" (object).</summary>
    public const string RepetitionDetection = "repetition_detection";

    /// <summary>Wire name <c>stream_interval</c>: Tokens per streamed chunk (int ≥ 1).</summary>
    public const string StreamInterval = "stream_interval";

    /// <summary>Wire name <c>watermarking</c>: Per-request watermarking opt-out (bool; newest servers).</summary>
    public const string Watermarking = "watermarking";

    /// <summary>Wire name <c>return_mm_kwargs</c>: Render endpoints only (bool; newest servers).</summary>
    public const string ReturnMmKwargs = "return_mm_kwargs";

    /// <summary>Wire name <c>logprobs</c>: Return log-probabilities of output tokens (bool).</summary>
    public const string Logprobs = "logprobs";

    /// <summary>Wire name <c>top_logprobs</c>: How many top log-probabilities per token (int; needs logprobs).</summary>
    public const string TopLogprobs = "top_logprobs";

    /// <summary>Wire name <c>logit_bias</c>: Token-id to bias map (object of string to number).</summary>
    public const string LogitBias = "logit_bias";

    /// <summary>Wire name <c>n</c>: Number of choices (int). Only 1 is accepted: a larger value throws
    /// <see cref="NotSupportedException"/> before sending, because an <c>IChatClient</c> response holds one answer.</summary>
    public const string N = "n";

    /// <summary>Wire name <c>user</c>: End-user id (string; vLLM ignores it).</summary>
    public const string User = "user";

    /// <summary>Wire name <c>structured_outputs</c>: An explicit structured-output constraint: a <see cref="VllmStructuredOutputs"/> (or a raw JSON object).</summary>
    public const string StructuredOutputs = "structured_outputs";

    /// <summary>Wire name <c>reasoning_effort</c>: Reasoning effort ("none", "minimal", "low", "medium", "high", "xhigh", "max");
    /// wins over <c>ChatOptions.Reasoning.Effort</c>. Sent unless the model entry declares Reasoning = false (then a value
    /// other than "none" is refused before sending), mapped to the nearest value the server's version accepts
    /// (see docs/vllm-features.md).</summary>
    public const string ReasoningEffort = "reasoning_effort";

    /// <summary>Wire name <c>continuous_usage_stats</c>: Streaming only: usage on every chunk (bool); the client still reports one usage total.</summary>
    public const string ContinuousUsageStats = "continuous_usage_stats";

    /// <summary>Gets every field name this library sends from <see cref="ChatOptions.AdditionalProperties"/>: the constants above.</summary>
    internal static IReadOnlySet<string> FieldNames { get; } = new[]
    {
        ThinkingTokenBudget,
        IncludeReasoning,
        UseBeamSearch,
        TopK,
        MinP,
        RepetitionPenalty,
        LengthPenalty,
        StopTokenIds,
        IncludeStopStrInOutput,
        IgnoreEos,
        MinTokens,
        SkipSpecialTokens,
        SpacesBetweenSpecialTokens,
        TruncatePromptTokens,
        TruncationSide,
        PromptLogprobs,
        LogprobTokenIds,
        AllowedTokenIds,
        BadWords,
        Echo,
        AddGenerationPrompt,
        ContinueFinalMessage,
        AddSpecialTokens,
        Documents,
        ChatTemplate,
        ChatTemplateKwargs,
        MediaIoKwargs,
        MmProcessorKwargs,
        Priority,
        RequestId,
        SessionId,
        ReturnTokensAsTokenIds,
        ReturnTokenIds,
        RoutedExpertsPromptStart,
        ReturnTokenOffsets,
        ReturnPromptText,
        ReturnAssistantTokensMask,
        CacheSalt,
        KvTransferParams,
        EcTransferParams,
        VllmXargs,
        RepetitionDetection,
        StreamInterval,
        Watermarking,
        ReturnMmKwargs,
        Logprobs,
        TopLogprobs,
        LogitBias,
        N,
        User,
        StructuredOutputs,
        ReasoningEffort,
        ContinuousUsageStats,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Sets a vLLM request field by its wire name.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="name">The wire name: one of the constants of this class.</param>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a field this library sends.</exception>
    public static ChatOptions WithVllmOption(this ChatOptions options, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(name);
        if (!FieldNames.Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a vLLM chat request field this library sends. Known fields: {string.Join(", ", FieldNames)}.", nameof(name));
        }

        (options.AdditionalProperties ??= [])[name] = value;
        return options;
    }

    /// <summary>Sets <c>min_p</c>: the minimum probability of a token relative to the most likely one.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="minP">A value in [0, 1].</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithMinP(this ChatOptions options, float minP) => Set(options, MinP, minP);

    /// <summary>Sets <c>repetition_penalty</c> (1 = off, above 1 discourages repeats).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="penalty">A value above 0.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithRepetitionPenalty(this ChatOptions options, float penalty) => Set(options, RepetitionPenalty, penalty);

    /// <summary>Sets <c>length_penalty</c> (beam search).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="penalty">The penalty.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithLengthPenalty(this ChatOptions options, float penalty) => Set(options, LengthPenalty, penalty);

    /// <summary>Sets <see cref="ChatOptions.TopK"/>, sent as <c>top_k</c>.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="topK">The number of most likely tokens to sample from (0 or -1 turns it off).</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithTopK(this ChatOptions options, int topK)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.TopK = topK;
        return options;
    }

    /// <summary>Sets <c>min_tokens</c>: the fewest tokens generated before a stop may apply.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="minTokens">The minimum.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithMinTokens(this ChatOptions options, int minTokens) => Set(options, MinTokens, minTokens);

    /// <summary>Sets <c>stop_token_ids</c>: token ids that end generation.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="tokenIds">The token ids.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="tokenIds"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithStopTokenIds(this ChatOptions options, params IEnumerable<int> tokenIds) => Set(options, StopTokenIds, new List<int>(NotNull(tokenIds)));

    /// <summary>Sets <c>bad_words</c>: words that must not be generated.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="words">The words.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="words"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithBadWords(this ChatOptions options, params IEnumerable<string> words) => Set(options, BadWords, new List<string>(NotNull(words)));

    /// <summary>Sets <c>ignore_eos</c>: keep generating after the end-of-sequence token.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="ignoreEos">Whether to ignore it.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithIgnoreEos(this ChatOptions options, bool ignoreEos = true) => Set(options, IgnoreEos, ignoreEos);

    /// <summary>Sets <c>chat_template_kwargs</c>, replacing any earlier value.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="kwargs">The arguments for the chat template.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="kwargs"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithChatTemplateKwargs(this ChatOptions options, IDictionary<string, object?> kwargs) => Set(options, ChatTemplateKwargs, new Dictionary<string, object?>(NotNull(kwargs), StringComparer.Ordinal));

    /// <summary>Sets <c>chat_template_kwargs.enable_thinking</c> (Qwen3 and similar templates), keeping other template arguments.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="enable">Whether the model should think before answering.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithEnableThinking(this ChatOptions options, bool enable)
    {
        ArgumentNullException.ThrowIfNull(options);
        var properties = options.AdditionalProperties ??= [];
        var kwargs = properties.TryGetValue(ChatTemplateKwargs, out var existing) && existing is IDictionary<string, object?> dictionary
            ? new Dictionary<string, object?>(dictionary, StringComparer.Ordinal)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        kwargs["enable_thinking"] = enable;
        properties[ChatTemplateKwargs] = kwargs;
        return options;
    }

    /// <summary>Asks for the log-probability of each generated token (<c>logprobs: true</c>) and, when
    /// <paramref name="topLogprobs"/> is above 0, of that many most likely tokens at each position (<c>top_logprobs</c>).
    /// Read them with <see cref="VllmChatResponseExtensions.GetVllmLogprobs(ChatResponse)"/> (or per streamed update).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="topLogprobs">How many alternatives per token: 0 for none; at most the server's <c>--max-logprobs</c>
    /// (20 by default); -1 for the whole vocabulary.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topLogprobs"/> is below -1.</exception>
    public static ChatOptions WithLogprobs(this ChatOptions options, int topLogprobs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topLogprobs, -1);
        Set(options, Logprobs, true);
        if (topLogprobs != 0)
        {
            options.AdditionalProperties![TopLogprobs] = topLogprobs;
        }
        else
        {
            options.AdditionalProperties!.Remove(TopLogprobs);
        }

        return options;
    }

    /// <summary>Sets <c>thinking_token_budget</c>: the most tokens a reasoning model may spend thinking.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="budget">The budget (-1 = unlimited).</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithThinkingTokenBudget(this ChatOptions options, int budget) => Set(options, ThinkingTokenBudget, budget);

    /// <summary>Sets <c>include_reasoning</c>: whether reasoning text is returned.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="include">Whether to return reasoning.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithIncludeReasoning(this ChatOptions options, bool include) => Set(options, IncludeReasoning, include);

    /// <summary>Sets <c>reasoning_effort</c> by its vLLM value (it wins over <c>ChatOptions.Reasoning.Effort</c>). Sent unless
    /// the model entry declares Reasoning = false, in which case the call fails with <see cref="NotSupportedException"/>
    /// before sending (except for "none"); an older server gets the nearest value its version accepts, or none.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="effort">One of none, minimal, low, medium, high, xhigh, max.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="effort"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithReasoningEffort(this ChatOptions options, string effort) => Set(options, ReasoningEffort, NotNull(effort));

    /// <summary>Sets <c>structured_outputs</c>: an explicit regex, choice, grammar, JSON-schema or structural-tag constraint.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="constraint">The constraint.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="constraint"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithStructuredOutputs(this ChatOptions options, VllmStructuredOutputs constraint) => Set(options, StructuredOutputs, NotNull(constraint));

    /// <summary>Sets <c>priority</c> (lower is served earlier; needs the server's priority scheduling).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="priority">The priority.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithPriority(this ChatOptions options, int priority) => Set(options, Priority, priority);

    /// <summary>Sets <c>cache_salt</c>: isolates this request's prefix-cache entries.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="salt">A non-empty salt.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="salt"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="salt"/> is empty.</exception>
    public static ChatOptions WithCacheSalt(this ChatOptions options, string salt) => Set(options, CacheSalt, NotEmpty(salt));

    /// <summary>Sets the request id: sent as the <c>X-Request-Id</c> header (which vLLM and the routers in front of it log and
    /// echo) and as the body field <c>request_id</c>; vLLM's response id becomes <c>chatcmpl-&lt;requestId&gt;</c>. Without it
    /// every request gets a new id. The id is reported in <c>ChatResponse.AdditionalProperties["request_id"]</c> (streamed: in the
    /// first update's <c>AdditionalProperties</c>, which <c>ToChatResponse()</c> keeps on the message) and in
    /// <see cref="VllmException.RequestId"/>.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="requestId">The id.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="requestId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is empty.</exception>
    public static ChatOptions WithRequestId(this ChatOptions options, string requestId) => Set(options, RequestId, NotEmpty(requestId));

    /// <summary>Adds a header to this request only (for example a router's routing or tenant header), on top of
    /// <see cref="VllmProviderOptions.Headers"/>; a header of the same name given there is replaced for this request. The value
    /// is never logged. A later call with the same name replaces the value.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="name"/> or <paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a header name, or is <c>Authorization</c> (set
    /// <see cref="VllmProviderOptions.ApiKey"/>) or <c>User-Agent</c> (set <see cref="VllmProviderOptions.Headers"/>);
    /// <paramref name="value"/> contains a line break.</exception>
    public static ChatOptions WithRequestHeader(this ChatOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        Pipeline.VllmCallHeaders.SetHeader(options.AdditionalProperties ??= [], name, value);
        return options;
    }

    /// <summary>Sets the session id, sent in the header named by <see cref="VllmProviderOptions.SessionHeaderName"/> (default
    /// <c>X-Session-ID</c>), so that a router (production-stack, vllm-router, llm-d, Ray Serve) sends all of a session's
    /// requests to the same replica and its prefix cache; with <see cref="VllmProviderOptions.StickyResponseHeader"/> the
    /// router's session token is sent back too.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="sessionId">The session id (for example a conversation or user id).</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="sessionId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is empty or contains a line break.</exception>
    public static ChatOptions WithSessionId(this ChatOptions options, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[Pipeline.VllmCallHeaders.SessionKey] = HeaderValue(sessionId);
        return options;
    }

    /// <summary>Names the llm-d <c>InferenceObjective</c> of this request (header <c>x-llm-d-inference-objective</c>): its
    /// priority class in llm-d's flow control.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="objective">The InferenceObjective's name.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="objective"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="objective"/> is empty or contains a line break.</exception>
    public static ChatOptions WithInferenceObjective(this ChatOptions options, string objective)
        => options.WithRequestHeader(LlmDHeaders.Objective, HeaderValue(objective));

    /// <summary>Sets the llm-d fairness id of this request (header <c>x-llm-d-inference-fairness-id</c>): the tenant whose
    /// share llm-d's flow control keeps fair.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="fairnessId">The tenant id.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="fairnessId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="fairnessId"/> is empty or contains a line break.</exception>
    public static ChatOptions WithFairnessId(this ChatOptions options, string fairnessId)
        => options.WithRequestHeader(LlmDHeaders.FairnessId, HeaderValue(fairnessId));

    /// <summary>Sets llm-d's latency objective for the first token (header <c>x-llm-d-slo-ttft-ms</c>, whole milliseconds),
    /// which its SLO-aware scheduling uses to pick a replica.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="timeToFirstToken">The target time to the first token; positive.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToFirstToken"/> is not positive.</exception>
    public static ChatOptions WithTimeToFirstTokenObjective(this ChatOptions options, TimeSpan timeToFirstToken)
        => options.WithRequestHeader(LlmDHeaders.TtftMs, Milliseconds(timeToFirstToken));

    /// <summary>Sets llm-d's latency objective per output token (header <c>x-llm-d-slo-tpot-ms</c>, whole milliseconds).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="timePerOutputToken">The target time per output token; positive.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timePerOutputToken"/> is not positive.</exception>
    public static ChatOptions WithTimePerOutputTokenObjective(this ChatOptions options, TimeSpan timePerOutputToken)
        => options.WithRequestHeader(LlmDHeaders.TpotMs, Milliseconds(timePerOutputToken));

    /// <summary>Sets <c>stream_options.continuous_usage_stats</c>: usage on every streamed chunk. The client still
    /// reports exactly one usage total, from the final usage chunk.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="enable">Whether to ask for it.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithContinuousUsageStats(this ChatOptions options, bool enable = true) => Set(options, ContinuousUsageStats, enable);

    /// <summary><paramref name="value"/>, after <see cref="ArgumentNullException.ThrowIfNull(object?, string?)"/>: the argument is
    /// checked before <c>options</c>, as each setter's own guard clause would.</summary>
    private static T NotNull<T>(T value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return value;
    }

    /// <summary>A header value: not empty, and one the client can send (<see cref="Http.VllmRequestHeaders.ValueRule"/>).</summary>
    internal static string HeaderValue(string value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (!Http.VllmRequestHeaders.IsValidValue(value))
        {
            throw new ArgumentException($"The value must be {Http.VllmRequestHeaders.ValueRule}.", name);
        }

        return value;
    }

    /// <summary>A positive time in whole milliseconds (at least 1), as llm-d's SLO headers take it.</summary>
    internal static string Milliseconds(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        return Math.Max(1L, (long)Math.Round(value.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>llm-d's request headers (llm-d/llm-d-router; the older <c>x-gateway-…</c> names are still read there).</summary>
    internal static class LlmDHeaders
    {
        public const string Objective = "x-llm-d-inference-objective";
        public const string FairnessId = "x-llm-d-inference-fairness-id";
        public const string TtftMs = "x-llm-d-slo-ttft-ms";
        public const string TpotMs = "x-llm-d-slo-tpot-ms";
    }

    /// <summary><paramref name="value"/>, after <see cref="ArgumentException.ThrowIfNullOrEmpty(string?, string?)"/>.</summary>
    private static string NotEmpty(string value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return value;
    }

    private static ChatOptions Set(ChatOptions options, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[name] = value;
        return options;
    }
}
