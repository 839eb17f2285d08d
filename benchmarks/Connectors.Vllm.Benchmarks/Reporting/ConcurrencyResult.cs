using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>One concurrency run: N simultaneous streams of one client.</summary>
internal sealed record ConcurrencyResult(
    ClientKind Client,
    int Streams,
    int ChunksPerStream,
    double? WallSeconds,
    double? ChunksPerSecond,
    double? TtftP50Ms,
    double? TtftP99Ms,
    int Errors,
    string? FirstError,
    string? Status)
{
    /// <summary>A variant of the client (e.g. the floor that builds MEAI's update objects); empty for the client itself.</summary>
    public string Variant { get; init; } = string.Empty;
}
