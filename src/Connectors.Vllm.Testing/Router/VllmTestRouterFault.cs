namespace Connectors.Vllm.Testing;

/// <summary>
/// An overload answer <see cref="VllmTestRouter"/> gives instead of forwarding, either for every request
/// (<see cref="VllmTestRouterOptions.Faults"/>, <see cref="VllmTestRouter.AddFault"/>) or for one request (header
/// <c>X-Test-Router-Fault: name</c>, which the router does not forward). Applies to the API routes
/// (<c>/v1/…</c>, KServe <c>/openai/v1/…</c>).
/// </summary>
public sealed class VllmTestRouterFault
{
    /// <summary>The request header that selects a fault for one request.</summary>
    public const string HeaderName = "X-Test-Router-Fault";

    private readonly FaultBudget _budget;

    /// <summary>Creates a fault.</summary>
    /// <param name="kind">The answer to give.</param>
    /// <param name="times">How many matching requests it affects before it switches itself off; null for every request.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="times"/> is less than 1.</exception>
    public VllmTestRouterFault(VllmTestRouterFaultKind kind, int? times = null)
    {
        _budget = new FaultBudget(times);
        Kind = kind;
        Times = times;
    }

    /// <summary>Gets the answer the fault gives.</summary>
    public VllmTestRouterFaultKind Kind { get; }

    /// <summary>Gets how many requests the fault affects, or null for every request.</summary>
    public int? Times { get; }

    /// <summary>Gets the header name of a fault kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name, for example <c>overloaded</c>.</returns>
    public static string GetHeaderName(VllmTestRouterFaultKind kind) => kind switch
    {
        VllmTestRouterFaultKind.Overloaded => "overloaded",
        VllmTestRouterFaultKind.QueueTimeout => "queue-timeout",
        VllmTestRouterFaultKind.NoHealthyBackend => "no-backend",
        VllmTestRouterFaultKind.Evicted => "evicted",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses the header form (a kind's header name).</summary>
    /// <param name="value">The header value.</param>
    /// <param name="fault">The fault (for one request), when the value names one.</param>
    /// <returns>True when the value names a known fault.</returns>
    public static bool TryParse(string? value, out VllmTestRouterFault? fault)
    {
        fault = FaultBudget.TryFindKind<VllmTestRouterFaultKind>(value, GetHeaderName, out var kind) ? new VllmTestRouterFault(kind, times: 1) : null;
        return fault is not null;
    }

    /// <summary>Returns the header form of this fault.</summary>
    /// <returns>The header value.</returns>
    public override string ToString() => GetHeaderName(Kind);

    internal FaultBudget Budget => _budget;
}
