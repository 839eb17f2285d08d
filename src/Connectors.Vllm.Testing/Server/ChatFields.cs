namespace Connectors.Vllm.Testing.Server;

/// <summary>Request fields vLLM declares (from reference/examples/chat-request-fields.json and embedding-request-fields.json).</summary>
internal static class ChatFields
{
    public static readonly string[] OpenAi =
    {
        "messages", "model", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "max_tokens", "max_completion_tokens", "n",
        "presence_penalty", "response_format", "seed", "stop", "stream", "stream_options", "temperature", "top_p", "tools", "tool_choice",
        "reasoning_effort", "parallel_tool_calls", "user",
    };

    public static readonly string[] VllmExtra =
    {
        "thinking_token_budget", "include_reasoning", "use_beam_search", "top_k", "min_p", "repetition_penalty", "length_penalty",
        "stop_token_ids", "include_stop_str_in_output", "ignore_eos", "min_tokens", "skip_special_tokens", "spaces_between_special_tokens",
        "truncate_prompt_tokens", "truncation_side", "prompt_logprobs", "logprob_token_ids", "allowed_token_ids", "bad_words", "echo",
        "add_generation_prompt", "continue_final_message", "add_special_tokens", "documents", "chat_template", "chat_template_kwargs",
        "media_io_kwargs", "mm_processor_kwargs", "priority", "request_id", "session_id", "return_tokens_as_token_ids", "return_token_ids",
        "routed_experts_prompt_start", "return_token_offsets", "return_prompt_text", "return_assistant_tokens_mask", "cache_salt",
        "kv_transfer_params", "ec_transfer_params", "vllm_xargs", "repetition_detection", "stream_interval", "watermarking", "return_mm_kwargs",
    };

    /// <summary>
    /// The version that introduced a field of <see cref="OpenAi"/> or <see cref="VllmExtra"/>; a field not listed here is
    /// treated as declared by every emulated version. Before its version vLLM ignores the field like any unknown one.
    /// </summary>
    public static readonly Dictionary<string, (int Major, int Minor, int Patch)> Since = new()
    {
        // gpt-oss support, PR #22342, released in v0.10.1 (gpt-oss came out after v0.10.0). Both fields are in the
        // ChatCompletionRequest of vLLM's v0.10.1-era protocol.py; the release itself is not confirmed from vLLM's git
        // history (we could not read it) and is the one docs/vllm-features.md gives.
        ["reasoning_effort"] = (0, 10, 1),
        ["include_reasoning"] = (0, 10, 1),

        // PR #42052 (v0.21.0).
        ["return_prompt_text"] = (0, 21, 0),
    };

    public static readonly string[] Guided =
    {
        "guided_json", "guided_regex", "guided_choice", "guided_grammar", "guided_decoding_backend", "guided_whitespace_pattern", "structural_tag",
    };

    public static readonly string[] EmbeddingFields =
    {
        "input", "model", "encoding_format", "dimensions", "user", "embed_dtype", "endianness", "use_activation", "add_special_tokens",
        "truncate_prompt_tokens", "truncation_side", "request_id", "priority", "mm_processor_kwargs", "cache_salt",
        "messages", "add_generation_prompt", "continue_final_message", "chat_template", "chat_template_kwargs", "media_io_kwargs",
    };

    public static readonly HashSet<string> MessageKeys = new() { "role", "content", "name", "tool_call_id", "tool_calls", "reasoning", "reasoning_content", "tools", "task" };

    public static readonly HashSet<string> ContentPartTypes = new()
    {
        "text", "input_text", "output_text", "image_url", "input_audio", "audio_url", "video_url", "image_embeds", "audio_embeds",
        "prompt_embeds", "refusal", "thinking", "tool_reference", "input_image",
    };

    public static readonly string[] StructuredConstraints = { "json", "regex", "choice", "grammar", "json_object", "structural_tag" };

    public static readonly HashSet<string> StructuredKeys = new()
    {
        "json", "regex", "choice", "grammar", "json_object", "structural_tag", "disable_any_whitespace", "disable_additional_properties",
        "whitespace_pattern", "disable_fallback",
    };

    /// <summary>Field types pydantic checks (lax mode); unions are left out.</summary>
    public static readonly Dictionary<string, FieldKind> Kinds = new()
    {
        ["messages"] = FieldKind.List,
        ["frequency_penalty"] = FieldKind.Float,
        ["presence_penalty"] = FieldKind.Float,
        ["temperature"] = FieldKind.Float,
        ["top_p"] = FieldKind.Float,
        ["min_p"] = FieldKind.Float,
        ["repetition_penalty"] = FieldKind.Float,
        ["length_penalty"] = FieldKind.Float,
        ["max_tokens"] = FieldKind.Int,
        ["max_completion_tokens"] = FieldKind.Int,
        ["n"] = FieldKind.Int,
        ["seed"] = FieldKind.Int,
        ["top_logprobs"] = FieldKind.Int,
        ["top_k"] = FieldKind.Int,
        ["min_tokens"] = FieldKind.Int,
        ["priority"] = FieldKind.Int,
        ["truncate_prompt_tokens"] = FieldKind.Int,
        ["prompt_logprobs"] = FieldKind.Int,
        ["thinking_token_budget"] = FieldKind.Int,
        ["stream_interval"] = FieldKind.Int,
        ["dimensions"] = FieldKind.Int,
        ["stream"] = FieldKind.Bool,
        ["logprobs"] = FieldKind.Bool,
        ["parallel_tool_calls"] = FieldKind.Bool,
        ["include_reasoning"] = FieldKind.Bool,
        ["echo"] = FieldKind.Bool,
        ["add_generation_prompt"] = FieldKind.Bool,
        ["continue_final_message"] = FieldKind.Bool,
        ["add_special_tokens"] = FieldKind.Bool,
        ["ignore_eos"] = FieldKind.Bool,
        ["use_beam_search"] = FieldKind.Bool,
        ["skip_special_tokens"] = FieldKind.Bool,
        ["include_stop_str_in_output"] = FieldKind.Bool,
        ["user"] = FieldKind.String,
        ["request_id"] = FieldKind.String,
        ["cache_salt"] = FieldKind.String,
        ["tools"] = FieldKind.List,
        ["stop_token_ids"] = FieldKind.List,
        ["bad_words"] = FieldKind.List,
        ["stream_options"] = FieldKind.Dict,
        ["chat_template_kwargs"] = FieldKind.Dict,
        ["logit_bias"] = FieldKind.Dict,
        ["structured_outputs"] = FieldKind.Dict,
        ["response_format"] = FieldKind.Dict,
    };
}
