using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Common plumbing: each suite starts its own replay-server process in GlobalSetup and kills it in
/// GlobalCleanup. Suites are public and unsealed because BenchmarkDotNet emits types that derive from them.
/// </summary>
public abstract class SuiteBase
{
    internal ReplayServerProcess Server { get; private set; } = null!;

    protected void StartServer() => Server = ReplayServerProcess.Start();

    protected void StopServer() => Server?.Dispose();
}
