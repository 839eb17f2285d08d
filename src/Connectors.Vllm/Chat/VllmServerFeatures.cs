using System;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>Which request forms a vLLM version accepts. An unknown version is treated as current, except for the
/// token limit, where the field every version accepts (<c>max_tokens</c>) is used.</summary>
internal sealed class VllmServerFeatures
{
    public static readonly VllmServerFeatures Unknown = new(null);

    public VllmServerFeatures(Version? version)
    {
        Version = version;

        // max_completion_tokens arrived in v0.6.2 (2024-09); max_tokens has always worked and still does.
        UseMaxCompletionTokens = version is not null && version >= new Version(0, 6, 2);

        // Until v0.6.5 (PR #10463) unknown request fields were rejected, tool "strict" included.
        ToolStrict = version is null || version >= new Version(0, 6, 5);

        // structured_outputs since v0.11.0 (PR #22772); guided_* removed in v0.12.0 (PR #29326).
        StructuredOutputs = version is null || version >= new Version(0, 11, 0);

        // An assistant message's reasoning sent back (interleaved thinking): "reasoning_content" until v0.16.0 started
        // dropping it, "reasoning" since PR #42664 (2026-05-20; first release assumed 0.22.0); in between the server
        // ignores both, so nothing is sent.
        ReasoningInputField = version is null || version >= new Version(0, 22, 0)
            ? "reasoning"
            : version < new Version(0, 16, 0) ? "reasoning_content" : null;
    }

    public Version? Version { get; }

    public bool UseMaxCompletionTokens { get; }

    public bool ToolStrict { get; }

    public bool StructuredOutputs { get; }

    /// <summary>The assistant-message field that carries reasoning back to this version, or <see langword="null"/> for none.</summary>
    public string? ReasoningInputField { get; }

    public static VllmServerFeatures From(VllmServerInfo? info)
        => info?.Version is { } v ? new VllmServerFeatures(new Version(v.Major, v.Minor, Math.Max(0, v.Build))) : Unknown;
}
