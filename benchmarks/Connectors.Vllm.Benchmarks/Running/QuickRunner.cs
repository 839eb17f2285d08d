using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Reporting;

namespace Connectors.Vllm.Benchmarks.Running;

/// <summary>
/// The CI-sized run (<c>--smoke</c>): the same suites with BenchmarkDotNet's lifecycle (GlobalSetup per
/// case, GlobalCleanup per case) but a short warm-up and one short measured iteration per case, so the
/// whole thing takes seconds. Good for "it still works" and rough ratios; publish only <c>--full</c>.
/// </summary>
internal static class QuickRunner
{
    public static List<ResultRow> Run(IEnumerable<Type> suites, TimeSpan iterationTarget, Action<string> log)
    {
        var rows = new List<ResultRow>();
        foreach (var suite in suites)
        {
            foreach (var method in BenchmarkCatalog.Methods(suite))
            {
                if (!BenchmarkCatalog.IsAvailable(method))
                {
                    rows.Add(BenchmarkCatalog.Unavailable(method));
                    log($"{suite.Name}.{method.Name}: {Infrastructure.OursClients.NotAvailable}");
                    continue;
                }

                rows.Add(RunCase(suite, method, iterationTarget, log));
            }
        }

        return rows;
    }

    private static ResultRow RunCase(Type suite, MethodInfo method, TimeSpan iterationTarget, Action<string> log)
    {
        var instance = Activator.CreateInstance(suite)!;
        try
        {
            Lifecycle<GlobalSetupAttribute>(suite, method, instance, a => a.Targets);
            var op = Operation(method, instance);

            // Warm-up: at least one call, then more until one iteration's worth of time has passed (JIT tiers).
            var warm = Stopwatch.StartNew();
            var warmOps = 0;
            do
            {
                op().AsTask().GetAwaiter().GetResult();
                warmOps++;
            }
            while (warm.Elapsed < iterationTarget && warmOps < 20_000);

            var perOp = warm.Elapsed.TotalMilliseconds / warmOps;
            var ops = (int)Math.Clamp(Math.Ceiling(iterationTarget.TotalMilliseconds / Math.Max(perOp, 0.0001)), 1, 20_000);

            var (elapsed, allocated) = MeasureAsync(op, ops).GetAwaiter().GetResult();
            var row = BenchmarkCatalog.Row(method, elapsed.TotalMilliseconds * 1_000_000 / ops, (double)allocated / ops, null);
            log($"{suite.Name}.{method.Name}: {ops} op(s), {Format.Time(row.MeanNsPerOp)}/op, {Format.Bytes(row.AllocBytesPerOp)}/op");
            return row;
        }
        catch (Exception ex)
        {
            var inner = ex is TargetInvocationException { InnerException: { } ie } ? ie : ex;
            log($"{suite.Name}.{method.Name}: FAILED {inner.GetType().Name}: {inner.Message}");
            return BenchmarkCatalog.Row(method, null, null, "failed: " + inner.GetType().Name + ": " + inner.Message);
        }
        finally
        {
            try
            {
                Lifecycle<GlobalCleanupAttribute>(suite, method, instance, a => a.Targets);
            }
            catch (Exception ex)
            {
                log($"{suite.Name}.{method.Name}: cleanup failed: {ex.Message}");
            }
        }
    }

    private static async Task<(TimeSpan Elapsed, long Allocated)> MeasureAsync(Func<ValueTask<int>> op, int ops)
    {
        var sink = 0;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < ops; i++)
        {
            sink += await op().ConfigureAwait(false);
        }

        sw.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        GC.KeepAlive(sink);
        return (sw.Elapsed, allocated);
    }

    private static Func<ValueTask<int>> Operation(MethodInfo method, object instance)
    {
        if (method.ReturnType == typeof(Task<int>))
        {
            var f = method.CreateDelegate<Func<Task<int>>>(instance);
            return () => new ValueTask<int>(f());
        }

        if (method.ReturnType == typeof(ValueTask<int>))
        {
            return method.CreateDelegate<Func<ValueTask<int>>>(instance);
        }

        throw new NotSupportedException($"{method.Name}: benchmarks return Task<int> or ValueTask<int>");
    }

    private static void Lifecycle<TAttribute>(Type suite, MethodInfo benchmark, object instance, Func<TAttribute, string[]?> targets)
        where TAttribute : Attribute
    {
        foreach (var m in suite.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var attribute = m.GetCustomAttribute<TAttribute>();
            if (attribute is null)
            {
                continue;
            }

            var t = targets(attribute);
            if (t is null || t.Length == 0 || t.Contains(benchmark.Name))
            {
                m.Invoke(instance, null);
            }
        }
    }
}
