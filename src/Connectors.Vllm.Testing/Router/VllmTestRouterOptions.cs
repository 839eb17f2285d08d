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

    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 (default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets the overload answers given to every matching request (see <see cref="VllmTestRouterFault"/>).</summary>
    public IList<VllmTestRouterFault> Faults { get; } = new List<VllmTestRouterFault>();
}
