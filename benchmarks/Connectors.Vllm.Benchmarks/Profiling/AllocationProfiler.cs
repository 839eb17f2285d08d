using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Running;

namespace Connectors.Vllm.Benchmarks.Profiling;

/// <summary>
/// <c>--alloc-profile Suite.Method[,Suite.Method…]</c>: runs each benchmark for about two seconds with
/// allocation sampling on and prints the exact bytes per operation plus the sampled split by type, so two
/// clients' allocations can be diffed type by type.
/// </summary>
internal static class AllocationProfiler
{
    public static async Task<int> RunAsync(string spec, System.IO.TextWriter output)
    {
        using var listener = new AllocationTickListener();
        foreach (var name in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var suite = BenchmarkCatalog.Suites.Single(s => s.Name.Equals(name[..dot], StringComparison.OrdinalIgnoreCase));
            var method = BenchmarkCatalog.Methods(suite).Single(m => m.Name.Equals(name[(dot + 1)..], StringComparison.OrdinalIgnoreCase));
            var instance = Activator.CreateInstance(suite)!;
            Invoke<GlobalSetupAttribute>(suite, method, instance);
            try
            {
                var op = method.ReturnType == typeof(Task<int>)
                    ? (Func<ValueTask<int>>)(() => new ValueTask<int>((Task<int>)method.Invoke(instance, null)!))
                    : () => (ValueTask<int>)method.Invoke(instance, null)!;
                for (var i = 0; i < 5; i++)
                {
                    await op().ConfigureAwait(false);
                }

                listener.Start();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var sw = Stopwatch.StartNew();
                var ops = 0;
                while (sw.Elapsed < TimeSpan.FromSeconds(2) || ops < 10)
                {
                    await op().ConfigureAwait(false);
                    ops++;
                }

                var total = GC.GetTotalAllocatedBytes(precise: true) - before;
                listener.Stop();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {suite.Name}.{method.Name}: {ops} ops, {(double)total / ops:N0} B/op allocated (exact); sampled split by type:"));
                var sampled = Math.Max(1, listener.TotalSampledBytes);
                foreach (var (type, bytes) in listener.BytesByType.OrderByDescending(kv => kv.Value).Take(15).Select(kv => (kv.Key, kv.Value)))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {100.0 * bytes / sampled,5:0.0}%  ~{(double)total * bytes / sampled / ops,10:N0} B/op  {type}"));
                }
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(suite, method, instance);
            }
        }

        return 0;
    }

    private static void Invoke<TAttribute>(Type suite, MethodInfo benchmark, object instance)
        where TAttribute : TargetedAttribute
    {
        foreach (var m in suite.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var a = m.GetCustomAttribute<TAttribute>();
            if (a is not null && (a.Targets is null || a.Targets.Length == 0 || a.Targets.Contains(benchmark.Name)))
            {
                m.Invoke(instance, null);
            }
        }
    }
}
