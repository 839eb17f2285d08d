namespace Connectors.Vllm.ChatProtocol;

/// <summary>Which request forms a vLLM version accepts. An unknown version is treated as current, except for the
/// token limit, where the field every version accepts (<c>max_tokens</c>) is used.</summary>
internal sealed class VllmServerFeatures
{
    public static readonly VllmServerFeatures Unknown = new(null);

    /// <summary>The first version that accepts <c>tool_choice: "required"</c>.</summary>
    public static readonly Version FirstRequiredToolChoice = new(0, 8, 3);

    private readonly EffortLevel _effortLevel;

    public VllmServerFeatures(Version? version)
    {
        Version = version;

        // max_completion_tokens arrived in v0.6.2 (2024-09); max_tokens has always worked and still does.
        UseMaxCompletionTokens = version is not null && version >= new Version(0, 6, 2);

        // Until v0.6.5 (PR #10463) unknown request fields were rejected, tool "strict" included.
        ToolStrict = version is null || version >= new Version(0, 6, 5);

        // tool_choice "required" since v0.8.3 (PR #13483, merged 2025-04-02; vLLM's tool-calling docs: "as of vllm>=0.8.3");
        // before, a 400 ("`tool_choice` must either be a named tool, \"auto\", or \"none\"").
        RequiredToolChoice = version is null || version >= FirstRequiredToolChoice;

        // structured_outputs since v0.11.0 (PR #22772); guided_* removed in v0.12.0 (PR #29326).
        StructuredOutputs = version is null || version >= new Version(0, 11, 0);

        // An assistant message's reasoning sent back (interleaved thinking): "reasoning_content" until v0.16.0 started
        // dropping it, "reasoning" since PR #42664 (2026-05-20; first release assumed 0.22.0); in between the server
        // ignores both, so nothing is sent.
        ReasoningInputField = version is null || version >= new Version(0, 22, 0)
            ? "reasoning"
            : version < new Version(0, 16, 0) ? "reasoning_content" : null;

        // reasoning_effort and include_reasoning arrived together with gpt-oss in v0.10.1 (PR #22342): effort
        // "low" | "medium" | "high". "none" since v0.18.0 (PR #36238); "minimal", "xhigh" and "max" since v0.21.0
        // (PR #40982). Other values are a validation 400; before v0.10.1 both fields are unknown (ignored, or 400
        // before v0.6.5), so nothing is sent. An unknown version is treated as current.
        AcceptsReasoningFields = version is null || version >= new Version(0, 10, 1);
        _effortLevel = version is null || version >= new Version(0, 21, 0) ? EffortLevel.All
            : version >= new Version(0, 18, 0) ? EffortLevel.WithNone
            : AcceptsReasoningFields ? EffortLevel.LowMediumHigh
            : EffortLevel.NoField;
    }

    /// <summary>Which <c>reasoning_effort</c> values a version accepts.</summary>
    private enum EffortLevel
    {
        NoField,
        LowMediumHigh,
        WithNone,
        All,
    }

    public Version? Version { get; }

    public bool UseMaxCompletionTokens { get; }

    public bool ToolStrict { get; }

    public bool StructuredOutputs { get; }

    /// <summary>Whether this version accepts <c>tool_choice: "required"</c> (older ones get <c>"auto"</c>, and the answer is
    /// checked for a call all the same).</summary>
    public bool RequiredToolChoice { get; }

    /// <summary>The assistant-message field that carries reasoning back to this version, or <see langword="null"/> for none.</summary>
    public string? ReasoningInputField { get; }

    /// <summary>Whether this version reads <c>reasoning_effort</c> and <c>include_reasoning</c> at all.</summary>
    public bool AcceptsReasoningFields { get; }

    /// <summary>The <c>reasoning_effort</c> value to send for <paramref name="effort"/> (a vLLM value): itself when this
    /// version accepts it, else the nearest value it accepts (<c>minimal</c> → <c>low</c>; <c>xhigh</c>, <c>max</c> →
    /// <c>high</c>), or <see langword="null"/> when there is none (<c>none</c> before v0.18, any value before v0.10.1).</summary>
    public string? ReasoningEffortFor(string effort) => _effortLevel switch
    {
        EffortLevel.All => effort,
        EffortLevel.NoField => null,
        _ => effort switch
        {
            "low" or "medium" or "high" => effort,
            "none" => _effortLevel == EffortLevel.WithNone ? effort : null,
            "minimal" => "low",
            "xhigh" or "max" => "high",
            _ => null,
        },
    };

    public static VllmServerFeatures From(VllmServerInfo? info)
        => info?.Version is { } v ? new VllmServerFeatures(new Version(v.Major, v.Minor, Math.Max(0, v.Build))) : Unknown;
}
