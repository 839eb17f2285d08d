namespace Connectors.Vllm.Testing.Server.Speech;

/// <summary>The form fields vLLM's speech-to-text request models declare (wire reference §15.2).</summary>
internal static class SpeechFields
{
    /// <summary>Fields of both routes.</summary>
    public static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "file", "model", "language", "prompt", "response_format", "temperature", "stream", "stream_include_usage",
        "stream_continuous_usage_stats", "to_language", "hotwords", "vllm_xargs", "use_beam_search", "n", "length_penalty",
        "include_stop_str_in_output", "top_p", "top_k", "min_p", "seed", "frequency_penalty", "repetition_penalty",
        "presence_penalty", "max_completion_tokens",
    };

    /// <summary>Fields of /v1/audio/transcriptions only.</summary>
    public static readonly HashSet<string> TranscriptionOnly = new(StringComparer.Ordinal) { "timestamp_granularities[]" };

    /// <summary>Float fields (pydantic's float_parsing on a bad form string).</summary>
    public static readonly HashSet<string> Floats = new(StringComparer.Ordinal)
    {
        "temperature", "length_penalty", "top_p", "min_p", "frequency_penalty", "repetition_penalty", "presence_penalty",
    };

    /// <summary>Integer fields.</summary>
    public static readonly HashSet<string> Ints = new(StringComparer.Ordinal) { "n", "top_k", "seed", "max_completion_tokens" };

    /// <summary>Boolean fields (pydantic's lax booleans: true/false, 1/0, yes/no, on/off…).</summary>
    public static readonly HashSet<string> Bools = new(StringComparer.Ordinal)
    {
        "stream", "stream_include_usage", "stream_continuous_usage_stats", "use_beam_search", "include_stop_str_in_output",
    };

    /// <summary>Whisper's 57 ISO 639-1 codes (<c>ISO639_1_SUPPORTED_LANGS</c>, in its order).</summary>
    public static readonly string[] Languages =
    {
        "af", "ar", "hy", "az", "be", "bs", "bg", "ca", "zh", "hr", "cs", "da", "nl", "en", "et", "fi", "fr", "gl", "de", "el", "he",
        "hi", "hu", "is", "id", "it", "ja", "kn", "kk", "ko", "lv", "lt", "mk", "ms", "mr", "mi", "ne", "no", "fa", "pl", "pt", "ro",
        "ru", "sr", "sk", "sl", "es", "sw", "sv", "tl", "ta", "th", "tr", "uk", "ur", "vi", "cy",
    };
}
