namespace Connectors.Vllm.Testing;

/// <summary>Options of <see cref="VllmTestRouter"/>: which engine it emulates and how that engine is configured.</summary>
public sealed class VllmTestRouterOptions
{
    /// <summary>Gets or sets the emulated engine. Default <see cref="VllmTestRouterMode.ProductionStack"/>.</summary>
    public VllmTestRouterMode Mode { get; set; } = VllmTestRouterMode.ProductionStack;

    /// <summary>
    /// Gets or sets production-stack's <c>--session-key</c> (Helm <c>routerSpec.sessionKey</c>; its tutorials use
    /// <c>x-user-id</c>): the header, else the body field, whose value picks the engine (<c>--routing-logic session</c>).
    /// Null (default) emulates round-robin routing. Used by <see cref="VllmTestRouterMode.ProductionStack"/> only.
    /// </summary>
    public string? SessionKey { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether production-stack discovers its engines through Kubernetes, so that
    /// <c>/v1/models</c> carries each engine's cards as the engine wrote them (with <c>max_model_len</c> and adapters).
    /// False emulates static discovery (<c>--static-backends</c>/<c>--static-models</c>): one card per served base model
    /// with <c>id</c>, <c>object</c>, <c>created</c>, <c>owned_by</c>, <c>root</c>, <c>parent</c> only. Default true.
    /// </summary>
    public bool KubernetesDiscovery { get; set; } = true;

    /// <summary>
    /// Gets or sets the response header of llm-d's session-affinity instance for the prefill profile under prefill/decode
    /// disaggregation (its <c>profileName: prefill</c> instance; llm-d's examples name it <c>x-session-token-prefill</c>).
    /// When set, every request with a body is also scheduled for a prefill pod, as with llm-d's
    /// <c>always-disagg-pd-decider</c>: a token in this header that names a live backend pins it, else the next backend in
    /// round robin is taken; the pick is recorded in <see cref="VllmTestRouterRequest.PrefillBackend"/> and its token is
    /// written in this header on the response, next to <c>x-session-token</c> for the decode pod. Every backend serves both
    /// roles, and the decode backend answers the whole request (the prefill hand-off itself is not emulated). Null
    /// (default) emulates llm-d without disaggregation. Used by <see cref="VllmTestRouterMode.LlmD"/> only.
    /// </summary>
    public string? PrefillTokenHeader { get; set; }

    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 (default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets the overload answers given to every matching request (see <see cref="VllmTestRouterFault"/>).</summary>
    public IList<VllmTestRouterFault> Faults { get; } = new List<VllmTestRouterFault>();
}
