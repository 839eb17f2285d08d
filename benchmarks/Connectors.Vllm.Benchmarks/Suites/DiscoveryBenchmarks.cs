using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Cached model-metadata lookup. After one warm-up call (which may fetch /v1/models), every lookup
/// must be served from the cache: the replay server's request count over the whole measured run is
/// recorded and reported (it must be 0). The stock row is MEAI's own metadata lookup
/// (<c>GetService&lt;ChatClientMetadata&gt;</c>), which never knows the model card.
/// </summary>
[Workload("discovery: cached model metadata lookup", 6, Unit = "call")]
[MemoryDiagnoser]
public class DiscoveryBenchmarks : SuiteBase
{
    private IChatClient _stock = null!;
    private ReplayCounts _before;
#if HAS_VLLM_DISCOVERY
    private VllmModelDiscovery _discovery = null!;
#endif

    /// <summary>Server requests made after the warm-up call until cleanup (all measured calls), by benchmark method.</summary>
    internal static System.Collections.Concurrent.ConcurrentDictionary<string, long> NetworkCalls { get; } = new();

    [GlobalSetup]
    public void Setup()
    {
        StartServer();
        _stock = PeerClients.StockChat(Server.V1, BenchInputs.DiscoveryModel);
#if HAS_VLLM_DISCOVERY
        _discovery = new VllmModelDiscovery(OursClients.Options(Server.V1));
        _ = Ours().AsTask().GetAwaiter().GetResult(); // warm-up: the one allowed fetch
#endif
        if (_stock.GetService<ChatClientMetadata>() is null)
        {
            throw new InvalidOperationException("stock MEAI returned no ChatClientMetadata");
        }

        _before = Server.GetCountsAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup(Target = nameof(Ours))]
    public void CleanupOurs() => Cleanup(nameof(Ours));

    [GlobalCleanup(Target = nameof(StockMeai))]
    public void CleanupStock() => Cleanup(nameof(StockMeai));

    private void Cleanup(string method)
    {
        var after = Server.GetCountsAsync().GetAwaiter().GetResult();
        NetworkCalls[method] = after.Total - _before.Total;
        _stock.Dispose();
#if HAS_VLLM_DISCOVERY
        _discovery.Dispose();
#endif
        StopServer();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, "GetChatClientMetadataAsync (cached)", Requires = OursFeature.Discovery)]
    public async ValueTask<int> Ours()
    {
#if HAS_VLLM_DISCOVERY
        var metadata = await _discovery.GetChatClientMetadataAsync(BenchInputs.DiscoveryModel).ConfigureAwait(false);
        return metadata is null ? 0 : 1;
#else
        await Task.CompletedTask.ConfigureAwait(false);
        throw new NotSupportedException(OursClients.NotAvailable);
#endif
    }

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai, "GetService<ChatClientMetadata>")]
    public ValueTask<int> StockMeai() => new(_stock.GetService<ChatClientMetadata>() is null ? 0 : 1);
}
