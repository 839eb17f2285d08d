namespace Connectors.Vllm.Testing;

/// <summary>
/// A fault the test server injects, either for every request (<see cref="VllmTestServerOptions.Faults"/>,
/// <see cref="VllmTestServer.AddFault"/>) or for one request (header <c>X-Test-Fault: name[;param]</c>).
/// </summary>
/// <remarks>
/// Status faults (<see cref="VllmTestFaultKind.TooManyRequests"/>, <see cref="VllmTestFaultKind.ServiceUnavailable"/>,
/// <see cref="VllmTestFaultKind.InternalError"/>) apply to every route under <c>/v1/</c> (after the API-key check); stream faults apply to
/// every streamed answer (chat completions, text completions, transcriptions and translations); <see cref="VllmTestFaultKind.DelayFirstToken"/>
/// applies to chat completions;
/// <see cref="VllmTestFaultKind.HealthLoading"/> applies to <c>/health</c> and <c>/ping</c>;
/// <see cref="VllmTestFaultKind.NoToolCall"/> applies to chat completions that send tools.
/// </remarks>
public sealed class VllmTestFault
{
    /// <summary>The request header that selects a fault for one request.</summary>
    public const string HeaderName = "X-Test-Fault";

    private readonly FaultBudget _budget;

    /// <summary>Creates a fault.</summary>
    /// <param name="kind">The fault mode.</param>
    /// <param name="parameter">The mode's parameter (milliseconds, event count, seconds or bytes); null for its default.</param>
    /// <param name="times">How many matching requests it affects before it switches itself off; null for every request.</param>
    public VllmTestFault(VllmTestFaultKind kind, int? parameter = null, int? times = null)
    {
        _budget = new FaultBudget(times);
        Kind = kind;
        Parameter = parameter;
        Times = times;
    }

    /// <summary>Gets the fault mode.</summary>
    public VllmTestFaultKind Kind { get; }

    /// <summary>Gets the mode's parameter, or null for its default.</summary>
    public int? Parameter { get; }

    /// <summary>Gets how many requests the fault affects, or null for every request.</summary>
    public int? Times { get; }

    /// <summary>Gets the header name of a fault mode (the part before <c>;</c> in <c>X-Test-Fault</c>).</summary>
    /// <param name="kind">The mode.</param>
    /// <returns>The name, for example <c>stall</c>.</returns>
    public static string GetHeaderName(VllmTestFaultKind kind) => kind switch
    {
        VllmTestFaultKind.DelayFirstToken => "delay-first-token",
        VllmTestFaultKind.StallMidStream => "stall",
        VllmTestFaultKind.CloseMidStream => "close",
        VllmTestFaultKind.NoDone => "no-done",
        VllmTestFaultKind.ErrorEvent => "error-event",
        VllmTestFaultKind.MalformedChunk => "malformed-chunk",
        VllmTestFaultKind.OversizedLine => "oversized-line",
        VllmTestFaultKind.TooManyRequests => "429",
        VllmTestFaultKind.ServiceUnavailable => "503",
        VllmTestFaultKind.InternalError => "500",
        VllmTestFaultKind.HealthLoading => "health-loading",
        VllmTestFaultKind.NoToolCall => "no-tool-call",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses the header form <c>name[;param]</c>.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="fault">The fault, when the value names one.</param>
    /// <returns>True when the value names a known fault.</returns>
    public static bool TryParse(string? value, out VllmTestFault? fault)
    {
        fault = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parts = value.Split(';', 2, StringSplitOptions.TrimEntries);
        int? parameter = null;
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (!int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p))
            {
                return false;
            }

            parameter = p;
        }

        fault = FaultBudget.TryFindKind<VllmTestFaultKind>(parts[0], GetHeaderName, out var kind) ? new VllmTestFault(kind, parameter, times: 1) : null;
        return fault is not null;
    }

    /// <summary>Returns the header form of this fault, <c>name[;param]</c>.</summary>
    /// <returns>The header value.</returns>
    public override string ToString() =>
        Parameter is { } p ? GetHeaderName(Kind) + ";" + p.ToString(CultureInfo.InvariantCulture) : GetHeaderName(Kind);

    internal bool TryConsume() => _budget.TryConsume();

    internal FaultBudget Budget => _budget;
}
