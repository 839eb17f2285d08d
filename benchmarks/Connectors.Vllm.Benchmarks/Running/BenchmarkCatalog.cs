using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Connectors.Vllm.Benchmarks.Reporting;
using Connectors.Vllm.Benchmarks.Suites;

namespace Connectors.Vllm.Benchmarks.Running;

/// <summary>The suites and their benchmark methods, with the metadata the report needs.</summary>
internal static class BenchmarkCatalog
{
    public static IReadOnlyList<Type> Suites { get; } =
    [
        typeof(ChatCompletionBenchmarks),
        typeof(ChatCompletionInProcessBenchmarks),
        typeof(ChatStreamingBenchmarks),
        typeof(ToolCallStreamingBenchmarks),
        typeof(EmbeddingBenchmarks),
        typeof(DiscoveryBenchmarks),
        typeof(ChatImageInProcessBenchmarks),
    ];

    public static IEnumerable<MethodInfo> Methods(Type suite)
        => suite.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
            .OrderBy(m => m.MetadataToken);

    public static bool IsAvailable(MethodInfo method)
        => OursClients.IsAvailable(method.GetCustomAttribute<BenchClientAttribute>()?.Requires ?? OursFeature.None);

    public static ResultRow Row(MethodInfo method, double? meanNs, double? allocBytes, string? status)
    {
        var suite = method.DeclaringType!;
        var workload = suite.GetCustomAttribute<WorkloadAttribute>() ?? new WorkloadAttribute(suite.Name, 99);
        var client = method.GetCustomAttribute<BenchClientAttribute>() ?? new BenchClientAttribute(ClientKind.Raw);
        return new ResultRow(suite.Name, method.Name, workload.Name, workload.Order, workload.Unit, workload.PerUnit,
            client.Client, client.Variant, client.Primary, meanNs, allocBytes, status);
    }

    public static ResultRow Unavailable(MethodInfo method) => Row(method, null, null, OursClients.NotAvailable);
}
