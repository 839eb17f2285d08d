using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Concurrency;
using Connectors.Vllm.Benchmarks.Reporting;
using Connectors.Vllm.Benchmarks.Running;
using Connectors.Vllm.Benchmarks.Suites;

namespace Connectors.Vllm.Benchmarks;

/// <summary>
/// <c>--smoke</c> (default): CI-sized, one short iteration per case, small concurrency bursts.
/// <c>--full</c>: BenchmarkDotNet + full concurrency bursts, for publishing.
/// Options: <c>--out FILE</c> (markdown report), <c>--suites a,b</c> (class names), <c>--no-concurrency</c>,
/// <c>--command TEXT</c> (the command line to print in the report).
/// <c>--alloc-profile Suite.Method,…</c>: sampled allocations by type, for diffing two clients.
/// <c>--cpu-profile Suite.Method,…</c>: EventPipe CPU samples, hottest methods.
/// <c>--interleaved Suite,… [--seconds N] [--out FILE]</c>: clients measured in turn, medians (steadier under shared load).
/// Exit code 1 only when a benchmark could not run correctly (never for speed).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Value(args, "--alloc-profile") is { } profile)
        {
            return await Profiling.AllocationProfiler.RunAsync(profile, Console.Out).ConfigureAwait(false);
        }

        if (Value(args, "--cpu-profile") is { } cpu)
        {
            return await Profiling.CpuProfiler.RunAsync(cpu, Console.Out).ConfigureAwait(false);
        }

        if (Value(args, "--interleaved") is { } interleaved)
        {
            var seconds = double.Parse(Value(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
            var text = await InterleavedRunner.RunAsync(interleaved, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            Console.WriteLine(text);
            if (Value(args, "--out") is { } interleavedOut)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(interleavedOut))!);
                await File.WriteAllTextAsync(interleavedOut, text).ConfigureAwait(false);
            }

            return 0;
        }

        var full = args.Contains("--full");
        var concurrency = !args.Contains("--no-concurrency");
        var output = Value(args, "--out") ?? Path.Combine("artifacts", "benchmarks", full ? "results-full.md" : "results-smoke.md");
        var command = Value(args, "--command") ?? "benchmarks/run.sh " + string.Join(' ', args);
        var suiteFilter = Value(args, "--suites")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var suites = BenchmarkCatalog.Suites.Where(s => suiteFilter is null || suiteFilter.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();

        var loadBefore = MachineInfo.LoadAverage();
        var clock = Stopwatch.StartNew();
        Console.WriteLine("Machine: " + MachineInfo.Describe());
        Console.WriteLine("Load average: " + loadBefore);

        var rows = full
            ? BdnRunner.Run(suites, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, "bdn"))
            : QuickRunner.Run(suites, TimeSpan.FromMilliseconds(20), Console.WriteLine);

        var bursts = new List<ConcurrencyResult>();
        if (concurrency)
        {
            bursts = await ConcurrencyHarness.RunAsync([64, 512], full ? 1000 : 20, Console.WriteLine).ConfigureAwait(false);
        }

        var loadAfter = MachineInfo.LoadAverage();
        var report = ResultTable.Render(rows, bursts, DiscoveryBenchmarks.NetworkCalls, full ? "full" : "smoke", command, loadBefore, loadAfter, clock.Elapsed);
        if (full && !args.Contains("--no-profile"))
        {
            // Where the bytes go, by type, for the rows the targets compare (sampled; see docs/benchmarks.md).
            var profileText = new StringWriter();
            var cases = BenchmarkCatalog.Suites.Where(suites.Contains)
                .SelectMany(s => BenchmarkCatalog.Methods(s).Where(BenchmarkCatalog.IsAvailable).Select(m => s.Name + "." + m.Name))
                .Where(ProfiledCases.Contains)
                .ToList();
            if (cases.Count > 0)
            {
                await Profiling.AllocationProfiler.RunAsync(string.Join(",", cases), profileText).ConfigureAwait(false);
                report += Environment.NewLine + "### Allocation profile (sampled GCAllocationTick by type, ~2 s per case after the run above)" + Environment.NewLine + Environment.NewLine
                    + "```" + Environment.NewLine + profileText + "```" + Environment.NewLine;
            }

            var cpuCases = cases.Where(c => c is "ChatCompletionInProcessBenchmarks.Ours" or "ChatStreamingBenchmarks.Ours" or "EmbeddingBenchmarks.Ours").ToList();
            if (cpuCases.Count > 0)
            {
                var cpuText = new StringWriter();
                await Profiling.CpuProfiler.RunAsync(string.Join(",", cpuCases), cpuText).ConfigureAwait(false);
                report += Environment.NewLine + "### CPU profile of our rows (EventPipe sampling, ~3 s per case after the run above)" + Environment.NewLine + Environment.NewLine
                    + "```" + Environment.NewLine + cpuText + "```" + Environment.NewLine;
            }
        }
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report).ConfigureAwait(false);
        Console.WriteLine("Report written to " + Path.GetFullPath(output));
        Console.WriteLine();
        Console.Write(ResultTable.FloorSummary(rows, judged: full));

        var failed = rows.Where(r => r.Status?.StartsWith("failed", StringComparison.Ordinal) == true).ToList();
        var brokenBursts = bursts.Where(b => b.Status == "failed" || (b.Errors == b.Streams && b.Streams > 0)).ToList();
        foreach (var f in failed)
        {
            Console.Error.WriteLine($"FAILED: {f.Suite}.{f.Method}: {f.Status}");
        }

        foreach (var b in brokenBursts)
        {
            Console.Error.WriteLine($"FAILED: concurrency {b.Streams} {ResultTable.Name(b.Client)}: {b.FirstError}");
        }

        return failed.Count == 0 && brokenBursts.Count == 0 ? 0 : 1;
    }

    private static readonly string[] ProfiledCases =
    [
        "ChatCompletionBenchmarks.Ours",
        "ChatCompletionBenchmarks.StockMeai",
        "ChatCompletionInProcessBenchmarks.Ours",
        "ChatCompletionInProcessBenchmarks.SdkProtocol",
        "ChatStreamingBenchmarks.Ours",
        "ChatStreamingBenchmarks.StockMeai",
        "ChatStreamingBenchmarks.Raw",
        "ChatStreamingBenchmarks.RawWithMeaiUpdates",
        "EmbeddingBenchmarks.Ours",
        "EmbeddingBenchmarks.OursBytes",
        "EmbeddingBenchmarks.StockMeai",
    ];

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
