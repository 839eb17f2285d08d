namespace Connectors.Vllm.Testing.Server.Completions;

/// <summary>The fields vLLM's <c>CompletionRequest</c> declares (wire reference §16.1) and their pydantic kinds.</summary>
internal static class CompletionFields
{
    public static readonly HashSet<string> Declared = new(StringComparer.Ordinal)
    {
        "model", "prompt", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "n", "presence_penalty", "seed", "stop",
        "stream", "stream_options", "suffix", "temperature", "top_p", "user",
        "use_beam_search", "top_k", "min_p", "repetition_penalty", "length_penalty", "stop_token_ids", "include_stop_str_in_output",
        "ignore_eos", "min_tokens", "skip_special_tokens", "spaces_between_special_tokens", "truncate_prompt_tokens", "truncation_side",
        "allowed_token_ids", "prompt_logprobs", "logprob_token_ids", "bad_words", "thinking_token_budget", "repetition_detection",
        "stream_interval", "response_format", "structured_outputs", "priority", "request_id", "session_id", "return_tokens_as_token_ids",
        "return_token_ids", "routed_experts_prompt_start", "return_token_offsets", "cache_salt", "kv_transfer_params", "ec_transfer_params",
        "vllm_xargs", "prompt_embeds", "add_special_tokens",
    };

    /// <summary>Chat's kinds, with <c>logprobs</c> an integer (the number of alternatives) and without chat-only fields.</summary>
    public static readonly Dictionary<string, FieldKind> Kinds = ChatFields.Kinds
        .Where(k => Declared.Contains(k.Key))
        .ToDictionary(k => k.Key, k => k.Key == "logprobs" ? FieldKind.Int : k.Value, StringComparer.Ordinal);
}
