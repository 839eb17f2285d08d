using System.Text.Json.Nodes;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>What one matrix cell observed; written to the run's JSON lines file for docs/reliability.md.</summary>
/// <param name="Fault">The fault.</param>
/// <param name="Surface">The operation.</param>
/// <param name="Outcome">Exception type name, <c>ok</c>, <c>unhealthy report</c> or <c>n/a</c>.</param>
/// <param name="Status">HTTP status carried by the exception, if any.</param>
/// <param name="ServerMessage">Whether vLLM's own message was carried.</param>
/// <param name="Hint">Whether a hint (or, for the health probe, a problem text) was given.</param>
/// <param name="Attempts">Requests the server saw for the call, or null when no server was listening.</param>
/// <param name="NextCall">What the next call did.</param>
/// <param name="Note">Detail: the reason for n/a, or the start of the message.</param>
internal sealed record CellOutcome(
    MatrixFault Fault,
    MatrixSurface Surface,
    string Outcome,
    int? Status,
    bool ServerMessage,
    bool Hint,
    int? Attempts,
    string NextCall,
    string Note)
{
    public JsonObject ToJson() => new()
    {
        ["fault"] = Fault.ToString(),
        ["surface"] = Surface.ToString(),
        ["outcome"] = Outcome,
        ["status"] = Status,
        ["serverMessage"] = ServerMessage,
        ["hint"] = Hint,
        ["attempts"] = Attempts,
        ["nextCall"] = NextCall,
        ["note"] = Note,
    };
}
