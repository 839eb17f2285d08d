using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Filters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Connectors.Vllm.Benchmarks.Reporting;

namespace Connectors.Vllm.Benchmarks.Running;

/// <summary>
/// The publishing run (<c>--full</c>): BenchmarkDotNet with MemoryDiagnoser, in-process (emit) toolchain
/// so no per-run project generation/build is needed; the replay server still runs as its own process.
/// </summary>
internal static class BdnRunner
{
    public static List<ResultRow> Run(IReadOnlyList<Type> suites, string artifactsPath)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithUnrollFactor(1) // async calls of µs to 100s of ms: unrolling buys nothing and would force 16 calls per iteration
            .WithId("full");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddFilter(new SimpleFilter(c => BenchmarkCatalog.IsAvailable(c.Descriptor.WorkloadMethod)))
            .WithArtifactsPath(artifactsPath)
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);

        var rows = new List<ResultRow>();
        foreach (var suite in suites)
        {
            foreach (var method in BenchmarkCatalog.Methods(suite).Where(m => !BenchmarkCatalog.IsAvailable(m)))
            {
                rows.Add(BenchmarkCatalog.Unavailable(method));
            }
        }

        var summaries = BenchmarkRunner.Run(suites.ToArray(), config);
        var seen = new HashSet<(Type, string)>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var method = report.BenchmarkCase.Descriptor.WorkloadMethod;
            seen.Add((method.DeclaringType!, method.Name));
            if (!report.Success || report.ResultStatistics is null)
            {
                rows.Add(BenchmarkCatalog.Row(method, null, null, "failed (see the BenchmarkDotNet log above)"));
                continue;
            }

            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            rows.Add(BenchmarkCatalog.Row(method, report.ResultStatistics.Mean, allocated, null));
        }

        foreach (var suite in suites)
        {
            foreach (var method in BenchmarkCatalog.Methods(suite).Where(m => BenchmarkCatalog.IsAvailable(m) && !seen.Contains((suite, m.Name))))
            {
                rows.Add(BenchmarkCatalog.Row(method, null, null, "failed: no BenchmarkDotNet report"));
            }
        }

        return rows;
    }
}
