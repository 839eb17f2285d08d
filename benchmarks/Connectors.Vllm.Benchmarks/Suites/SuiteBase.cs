using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Common plumbing: each suite starts its own replay-server process in GlobalSetup and kills it in
/// GlobalCleanup. Suites are public and unsealed because BenchmarkDotNet emits types that derive from them.
/// </summary>
public abstract class SuiteBase
{
    private static readonly ConcurrentDictionary<Type, bool> Validated = new();

    internal ReplayServerProcess Server { get; private set; } = null!;

    protected void StartServer() => Server = ReplayServerProcess.Start();

    protected void StopServer() => Server?.Dispose();

    /// <summary>Once per suite and process: every client must read the same bytes to the same result before it is timed.</summary>
    protected void ValidateOnce(Func<Task> validate)
    {
        if (Validated.TryAdd(GetType(), true))
        {
            validate().GetAwaiter().GetResult();
        }
    }
}
