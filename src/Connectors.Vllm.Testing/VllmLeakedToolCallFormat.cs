namespace Connectors.Vllm.Testing;

/// <summary>
/// The tool-call markup that <see cref="VllmTestServer"/> leaves in the answer when it emulates a server that did not parse
/// the model's tool calls (no or the wrong <c>--tool-call-parser</c>): the scripted model's calls arrive as this text in
/// <c>content</c> (or in the reasoning, <see cref="VllmTestServerOptions.LeakToolCallsIntoReasoning"/>), with no
/// <c>tool_calls</c> and finish reason <c>stop</c>. The formats are those vLLM's tool parsers read.
/// </summary>
public enum VllmLeakedToolCallFormat
{
    /// <summary>Tool calls are parsed as usual (no leak).</summary>
    None = 0,

    /// <summary><c>&lt;tool_call&gt;\n{"name": "f", "arguments": {…}}\n&lt;/tool_call&gt;</c> (vLLM's <c>hermes</c> parser; Qwen 2.5 / Qwen 3, Hermes).</summary>
    Hermes = 1,

    /// <summary><c>&lt;tool_call&gt;\n&lt;function=f&gt;\n&lt;parameter=p&gt;\nvalue\n&lt;/parameter&gt;\n&lt;/function&gt;\n&lt;/tool_call&gt;</c>
    /// (vLLM's <c>qwen3_coder</c> parser).</summary>
    Qwen3Coder = 2,

    /// <summary><c>{"name": "f", "parameters": {…}}</c>, calls separated by <c>"; "</c> (vLLM's <c>llama3_json</c> parser).</summary>
    Llama3Json = 3,

    /// <summary><c>[TOOL_CALLS]f{…}</c> per call (vLLM's <c>mistral</c> parser, tokenizer v11 and later).</summary>
    Mistral = 4,
}
