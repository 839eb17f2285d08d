using System;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>Marks a benchmark method with the client it measures and, optionally, a variant (e.g. an encoding).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BenchClientAttribute : Attribute
{
    public BenchClientAttribute(ClientKind client, string variant = "")
    {
        Client = client;
        Variant = variant;
    }

    public ClientKind Client { get; }

    public string Variant { get; }

    /// <summary>Which of our types the benchmark needs; it is skipped ("not available in this build") when absent.</summary>
    public OursFeature Requires { get; set; }

    /// <summary>The row the ratio table compares against the peers (one per client per workload).</summary>
    public bool Primary { get; set; } = true;
}
