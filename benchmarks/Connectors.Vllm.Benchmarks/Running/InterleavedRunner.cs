using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Connectors.Vllm.Benchmarks.Reporting;

namespace Connectors.Vllm.Benchmarks.Running;

/// <summary>
/// <c>--interleaved Suite[,Suite]</c>: one operation of each client in turn, round after round, for a fixed time,
/// then the median per client. On a machine shared with other work, load that comes and goes hits every client
/// alike, so the ratios are steadier than from back-to-back BenchmarkDotNet cases (which see different moments).
/// Suites with targeted setup/cleanup (discovery) are not supported.
/// </summary>
internal static class InterleavedRunner
{
    public static async Task<string> RunAsync(string spec, TimeSpan duration)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"### Interleaved medians (one call per client in turn, {duration.TotalSeconds:0} s per suite; load average {MachineInfo.LoadAverage()})"));
        sb.AppendLine();
        sb.AppendLine("| Workload (per unit) | Client | Variant | rounds | median time | median allocated | ours ÷ this: time | ours ÷ this: allocated |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        var all = new List<ResultRow>();
        foreach (var name in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var suite = BenchmarkCatalog.Suites.Single(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            var methods = BenchmarkCatalog.Methods(suite).Where(BenchmarkCatalog.IsAvailable).ToList();
            var instance = Activator.CreateInstance(suite)!;
            Invoke<GlobalSetupAttribute>(suite, instance);
            var times = methods.ToDictionary(m => m, _ => new List<double>());
            var bytes = methods.ToDictionary(m => m, _ => new List<double>());
            try
            {
                var ops = methods.ToDictionary(m => m, m => m.CreateDelegate<Func<Task<int>>>(instance));
                foreach (var m in methods)
                {
                    for (var i = 0; i < 5; i++)
                    {
                        await ops[m]().ConfigureAwait(false);
                    }
                }

                var clock = Stopwatch.StartNew();
                for (var round = 0; clock.Elapsed < duration; round++)
                {
                    for (var k = 0; k < methods.Count; k++)
                    {
                        var m = methods[(k + round) % methods.Count];
                        var before = GC.GetTotalAllocatedBytes(precise: true);
                        var start = Stopwatch.GetTimestamp();
                        await ops[m]().ConfigureAwait(false);
                        times[m].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1_000_000);
                        bytes[m].Add(GC.GetTotalAllocatedBytes(precise: true) - before);
                    }
                }
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(suite, instance);
            }

            var rows = methods.Select(m => BenchmarkCatalog.Row(m, Median(times[m]), Median(bytes[m]), null)).ToList();
            all.AddRange(rows);
            var ours = rows.FirstOrDefault(r => r.Client == ClientKind.Ours && r.Primary);
            foreach (var (r, m) in rows.Zip(methods))
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Workload} (per {r.Unit}) | {ResultTable.Name(r.Client)} | {r.Variant} | {times[m].Count} | {Format.Time(r.NsPerUnit)} | {Format.Bytes(r.BytesPerUnit)} | {Format.Ratio(ours?.NsPerUnit, r.NsPerUnit)} | {Format.BytesRatio(ours?.BytesPerUnit, r.BytesPerUnit)} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine("```");
        sb.Append(ResultTable.FloorSummary(all));
        sb.AppendLine("```");
        return sb.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Invoke<TAttribute>(Type suite, object instance)
        where TAttribute : TargetedAttribute
    {
        foreach (var m in suite.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var a = m.GetCustomAttribute<TAttribute>();
            if (a is not null)
            {
                if (a.Targets is { Length: > 0 })
                {
                    throw new NotSupportedException($"{suite.Name}: targeted setup/cleanup is not supported by --interleaved");
                }

                m.Invoke(instance, null);
            }
        }
    }
}
