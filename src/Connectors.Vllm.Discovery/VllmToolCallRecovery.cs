namespace Connectors.Vllm;

/// <summary>
/// What a chat client does when the request had tools and the answer carries tool-call markup as text (the model's own
/// syntax, such as <c>&lt;tool_call&gt;{…}&lt;/tool_call&gt;</c>) because the server did not parse it: started without the
/// right <c>--tool-call-parser</c>, or the reasoning parser took the call into the reasoning.
/// </summary>
/// <remarks>Recognised are the formats of vLLM's <c>hermes</c> (also Qwen 2.5/3), <c>qwen3_coder</c>, <c>llama3_json</c> and
/// <c>mistral</c> tool parsers; see the project's docs/vllm-features.md ("Tool-call recovery").</remarks>
public enum VllmToolCallRecovery
{
    /// <summary>Nothing is looked for: the answer is returned exactly as the server sent it.</summary>
    Off = 0,

    /// <summary>The answer is returned as the server sent it, and a Warning is logged naming the server flags that fix it
    /// (<c>--enable-auto-tool-choice --tool-call-parser &lt;parser&gt;</c>, and <c>--reasoning-parser</c> when the markup
    /// sat in the reasoning). The default.</summary>
    Warn = 1,

    /// <summary>The markup becomes <c>FunctionCallContent</c> (only calls whose arguments are valid JSON; generated ids),
    /// the finish reason becomes <c>tool_calls</c> and the markup is removed from the text, streamed and not; an
    /// Information event names the server flags that make this unnecessary.</summary>
    Recover = 2,
}
