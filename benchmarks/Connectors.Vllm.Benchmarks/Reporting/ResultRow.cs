using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>One measured (or skipped) benchmark: figures are per operation; the table divides by <see cref="PerUnit"/>.</summary>
internal sealed record ResultRow(
    string Suite,
    string Method,
    string Workload,
    int Order,
    string Unit,
    int PerUnit,
    ClientKind Client,
    string Variant,
    bool Primary,
    double? MeanNsPerOp,
    double? AllocBytesPerOp,
    string? Status)
{
    public double? NsPerUnit => MeanNsPerOp / PerUnit;

    public double? BytesPerUnit => AllocBytesPerOp / PerUnit;

    public bool Measured => MeanNsPerOp is not null;
}
