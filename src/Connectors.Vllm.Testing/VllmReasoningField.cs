namespace Connectors.Vllm.Testing;

/// <summary>Which name(s) the test server uses for reasoning text in responses and stream deltas.</summary>
public enum VllmReasoningField
{
    /// <summary>As the emulated version does: <c>reasoning_content</c> before 0.11.1, both names in 0.11.1–0.15.x, <c>reasoning</c> from 0.16.</summary>
    ByVersion = 0,

    /// <summary>Only <c>reasoning</c>.</summary>
    Reasoning,

    /// <summary>Only <c>reasoning_content</c>.</summary>
    ReasoningContent,

    /// <summary>Both <c>reasoning</c> and <c>reasoning_content</c>.</summary>
    Both,
}
