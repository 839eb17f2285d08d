namespace Connectors.Vllm.Testing;

/// <summary>Options of <see cref="VllmTestServer"/>: which vLLM it emulates and how.</summary>
public sealed class VllmTestServerOptions
{
    /// <summary>The default served model when <see cref="Models"/> is empty.</summary>
    public const string DefaultModelId = "test-model";

    /// <summary>Gets or sets the API key (<c>--api-key</c>); null means no authentication.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets the served models, base models first. When empty, one chat model <see cref="DefaultModelId"/> is served.</summary>
    public IList<VllmTestModel> Models { get; } = new List<VllmTestModel>();

    /// <summary>Gets or sets the emulated vLLM version (default <c>0.27.1</c>). Older versions change error
    /// bodies, reasoning field names, accepted request fields, id lengths and <c>system_fingerprint</c>.</summary>
    public string ServerVersion { get; set; } = "0.27.1";

    /// <summary>Gets or sets which reasoning field name(s) the server emits; <see cref="VllmReasoningField.ByVersion"/> by default.</summary>
    public VllmReasoningField ReasoningField { get; set; }

    /// <summary>Gets or sets a value indicating whether any request field vLLM (at <see cref="ServerVersion"/>) does not
    /// accept is answered with 400 naming the field. Default true. Real vLLM silently ignores such fields.</summary>
    public bool Strict { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the server runs with <c>--enable-auto-tool-choice</c>. Default true.</summary>
    public bool EnableAutoToolChoice { get; set; } = true;

    /// <summary>Gets or sets the <c>--tool-call-parser</c> name (default <c>hermes</c>); null emulates a server without it.</summary>
    public string? ToolCallParser { get; set; } = "hermes";

    /// <summary>Gets or sets the markup in which tool calls leak into the answer's text, emulating a server that does not
    /// parse the model's calls (started without, or with the wrong, <c>--tool-call-parser</c>). Default
    /// <see cref="VllmLeakedToolCallFormat.None"/>. Applies to <c>tool_choice</c> <c>"auto"</c> (required and named choices
    /// are decoded with a JSON schema and never leak).</summary>
    public VllmLeakedToolCallFormat LeakedToolCallFormat { get; set; }

    /// <summary>Gets or sets a value indicating whether leaked tool calls (<see cref="LeakedToolCallFormat"/>) sit in the
    /// reasoning instead of the text, as when the reasoning parser takes a call the model made while thinking: the answer
    /// is then all reasoning. Only for a reasoning model (<see cref="VllmTestModel.IsReasoning"/>) that thinks.</summary>
    public bool LeakToolCallsIntoReasoning { get; set; }
    /// <summary>Gets or sets the <c>--tokenizer-mode</c>: <c>auto</c> (default) or <c>mistral</c>. In Mistral mode the server
    /// refuses tool-call ids that are not 9 characters a-z, A-Z, 0-9 and <c>name</c> on system, user and assistant messages
    /// (400, vLLM's texts), and makes its own tool-call ids of that form.</summary>
    public string TokenizerMode { get; set; } = "auto";

    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 (default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets the faults applied to every matching request (see <see cref="VllmTestFault"/>).</summary>
    public IList<VllmTestFault> Faults { get; } = new List<VllmTestFault>();
}
