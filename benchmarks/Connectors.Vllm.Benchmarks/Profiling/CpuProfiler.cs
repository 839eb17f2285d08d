using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Running;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Connectors.Vllm.Benchmarks.Profiling;

/// <summary>
/// <c>--cpu-profile Suite.Method[,…]</c>: an EventPipe CPU sampling profile of this process while one benchmark
/// runs for about three seconds; prints the hottest methods (exclusive) and the hottest frames of our own
/// assemblies (inclusive), counting only samples of threads that were doing the benchmark's work. The callers of the
/// hottest 3 methods are printed, 3 frames deep; <c>BENCH_CPU_CALLERS=N</c> and <c>BENCH_CPU_DEPTH=N</c> ask for more.
/// </summary>
internal static class CpuProfiler
{
    /// <summary>How many of the hottest methods get their callers printed (<c>BENCH_CPU_CALLERS</c>, default 3).</summary>
    private static readonly int CallersShown = Setting("BENCH_CPU_CALLERS", 3);

    /// <summary>How many frames of each caller chain are printed (<c>BENCH_CPU_DEPTH</c>, default 3).</summary>
    private static readonly int CallerDepth = Setting("BENCH_CPU_DEPTH", 3);

    private static readonly string[] WorkMarkers = ["Connectors.Vllm", "System.Net.Http", "System.Text.Json", "Microsoft.Extensions.AI", "OpenAI", "System.ClientModel", "Microsoft.SemanticKernel", "System.Net.ServerSentEvents", "System.Net.Sockets"];
    private static readonly string[] IdleMarkers = ["WaitForSignal", "WaitOneNoCheck", "WaitCore", "EventLoop", "Thread.Sleep", "WaitForSocketEvents", "SleepEx", "LowLevelLifoSemaphore", "Monitor.Wait", "GateThread"];

    public static async Task<int> RunAsync(string spec, TextWriter output)
    {
        foreach (var name in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var suite = BenchmarkCatalog.Suites.Single(s => s.Name.Equals(name[..dot], StringComparison.OrdinalIgnoreCase));
            var method = BenchmarkCatalog.Methods(suite).Single(m => m.Name.Equals(name[(dot + 1)..], StringComparison.OrdinalIgnoreCase));
            var instance = Activator.CreateInstance(suite)!;
            Invoke<GlobalSetupAttribute>(suite, method, instance);
            var path = Path.Combine(Path.GetTempPath(), $"bench-cpu-{Environment.ProcessId}-{suite.Name}-{method.Name}.nettrace");
            var ops = 0;
            var gcLine = string.Empty;
            try
            {
                var op = method.ReturnType == typeof(Task<int>)
                    ? (Func<Task>)(() => (Task<int>)method.Invoke(instance, null)!)
                    : () => ((ValueTask<int>)method.Invoke(instance, null)!).AsTask();
                for (var i = 0; i < 5; i++)
                {
                    await op().ConfigureAwait(false);
                }

                var providers = new[]
                {
                    new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
                    new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x10 | 0x8 | 0x20),
                };
                var client = new DiagnosticsClient(Environment.ProcessId);
                using (var session = client.StartEventPipeSession(providers, requestRundown: true))
                {
                    var copy = Task.Run(async () =>
                    {
                        await using var file = File.Create(path);
                        await session.EventStream.CopyToAsync(file).ConfigureAwait(false);
                    });
                    var gc0 = GC.CollectionCount(0);
                    var gc1 = GC.CollectionCount(1);
                    var gc2 = GC.CollectionCount(2);
                    var pause = GC.GetTotalPauseDuration();
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var sw = Stopwatch.StartNew();
                    while (sw.Elapsed < TimeSpan.FromSeconds(3) || ops < 3)
                    {
                        await op().ConfigureAwait(false);
                        ops++;
                    }

                    gcLine = string.Create(CultureInfo.InvariantCulture, $"   {sw.Elapsed.TotalMilliseconds / ops:0.000} ms/op wall; per op: {(double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / ops:N0} B allocated, GCs gen0/1/2 = {(double)(GC.CollectionCount(0) - gc0) / ops:0.00}/{(double)(GC.CollectionCount(1) - gc1) / ops:0.00}/{(double)(GC.CollectionCount(2) - gc2) / ops:0.00}, GC pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds / ops:0.000} ms");
                    await session.StopAsync(default).ConfigureAwait(false);
                    await copy.ConfigureAwait(false);
                }
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(suite, method, instance);
            }

            Report(output, $"{suite.Name}.{method.Name}", ops, path);
            output.WriteLine(gcLine);
            File.Delete(path);
        }

        return 0;
    }

    private static void Report(TextWriter output, string name, int ops, string path)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusiveOurs = new Dictionary<string, int>(StringComparer.Ordinal);
        var callers = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var samples = 0;
        foreach (var ev in log.Events)
        {
            if (ev.ProviderName != "Microsoft-DotNETCore-SampleProfiler")
            {
                continue;
            }

            var stack = ev.CallStack();
            if (stack is null)
            {
                continue;
            }

            var frames = new List<string>();
            for (var s = stack; s is not null; s = s.Caller)
            {
                var method = s.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(method) ? "[" + (s.CodeAddress.ModuleName ?? "native") + "]" : method);
            }

            var top = string.Join(" ", frames.Take(4));
            if (!frames.Any(f => WorkMarkers.Any(m => f.Contains(m, StringComparison.Ordinal))) || IdleMarkers.Any(m => top.Contains(m, StringComparison.Ordinal)))
            {
                continue;
            }

            samples++;
            // The sampler stops threads at GC poll points, so a sample in PollGC belongs to the loop that polled.
            var leaf = frames.FirstOrDefault(f => !f.StartsWith('[') && !f.Contains("PollGC", StringComparison.Ordinal) && !f.StartsWith("System.Threading.Thread.Poll", StringComparison.Ordinal)) ?? frames[0];
            exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + 1;
            var at = frames.IndexOf(leaf);
            var chain = string.Join(" ← ", frames.Skip(at + 1).Where(f => !f.StartsWith('[')).Take(CallerDepth).Select(Short));
            var byCaller = callers.TryGetValue(leaf, out var d) ? d : callers[leaf] = new Dictionary<string, int>(StringComparer.Ordinal);
            byCaller[chain] = byCaller.GetValueOrDefault(chain) + 1;
            foreach (var f in frames.Where(f => f.StartsWith("Connectors.Vllm.", StringComparison.Ordinal) && !f.StartsWith("Connectors.Vllm.Benchmarks", StringComparison.Ordinal)).Distinct())
            {
                inclusiveOurs[f] = inclusiveOurs.GetValueOrDefault(f) + 1;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {name}: {ops} ops, {samples} busy samples (~1 ms each)"));
        output.WriteLine("   hottest methods (exclusive, first managed frame; GC-poll samples charged to the polling method):");
        foreach (var (method, count) in exclusive.OrderByDescending(kv => kv.Value).Take(20).Select(kv => (kv.Key, kv.Value)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {100.0 * count / Math.Max(1, samples),5:0.0}%  {Trim(method)}"));
        }

        foreach (var (method, _) in exclusive.OrderByDescending(kv => kv.Value).Take(CallersShown).Select(kv => (kv.Key, kv.Value)))
        {
            output.WriteLine("   callers of " + Short(method) + ":");
            foreach (var (chain, count) in callers[method].OrderByDescending(kv => kv.Value).Take(4).Select(kv => (kv.Key, kv.Value)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {100.0 * count / Math.Max(1, samples),5:0.0}%  ← {chain}"));
            }
        }

        output.WriteLine("   our frames (inclusive):");
        foreach (var (method, count) in inclusiveOurs.OrderByDescending(kv => kv.Value).Take(15).Select(kv => (kv.Key, kv.Value)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {100.0 * count / Math.Max(1, samples),5:0.0}%  {Trim(method)}"));
        }
    }

    /// <summary>Type.Method without the parameter list.</summary>
    private static string Short(string method)
    {
        var paren = method.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? method[..paren] : method;
    }

    private static string Trim(string method) => method.Length > 160 ? method[..160] + "…" : method;

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

    private static int Setting(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
