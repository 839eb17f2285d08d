namespace Connectors.Vllm.Testing.Server.Validation;

/// <summary>vLLM's checks against the model's context length (chat and pooling alike).</summary>
internal static class ContextLength
{
    public static void CheckTruncation(JsonObject body, int maxModelLen)
    {
        if (RequestJson.Int(body, "truncate_prompt_tokens") is { } t && t > maxModelLen)
        {
            throw VllmProblem.Check(
                "truncate_prompt_tokens value is greater than max_model_len. Please request a smaller truncation size.",
                "truncate_prompt_tokens", t.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>vLLM's "maximum context length" 400 (<c>param</c> <c>input_tokens</c>).</summary>
    public static VllmProblem TooLong(int maxModelLen, int requested, int reported)
    {
        var max = maxModelLen.ToString(CultureInfo.InvariantCulture);
        var req = requested.ToString(CultureInfo.InvariantCulture);
        var rep = reported.ToString(CultureInfo.InvariantCulture);
        var total = (reported + requested).ToString(CultureInfo.InvariantCulture);
        return VllmProblem.Check(
            $"This model's maximum context length is {max} tokens. However, you requested {req} output tokens and your prompt contains at least {rep} input tokens, for a total of at least {total} tokens. Please reduce the length of the input prompt or the number of requested output tokens.",
            "input_tokens", rep);
    }
}
