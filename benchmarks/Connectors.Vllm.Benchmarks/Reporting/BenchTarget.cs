namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>One issue target, its measured value and whether it was met (null: could not be measured in this build).</summary>
internal sealed record BenchTarget(string Name, string Measured, bool? Met);
