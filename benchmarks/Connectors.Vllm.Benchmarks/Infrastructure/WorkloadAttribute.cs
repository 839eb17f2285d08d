using System;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>Names a suite's workload for the ratio table; <see cref="PerUnit"/> divides the time and allocations (e.g. 1,000 chunks).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class WorkloadAttribute : Attribute
{
    public WorkloadAttribute(string name, int order)
    {
        Name = name;
        Order = order;
    }

    public string Name { get; }

    public int Order { get; }

    /// <summary>The unit reported ("request", "chunk", "call"); per-unit figures are per operation ÷ <see cref="PerUnit"/>.</summary>
    public string Unit { get; set; } = "request";

    public int PerUnit { get; set; } = 1;
}
