namespace Connectors.Vllm.Testing.Router;

/// <summary>What the test router's parts share: options, backends and their availability, faults, the request log.</summary>
internal sealed class RouterState
{
    private readonly object _gate = new();
    private readonly ScriptLog<VllmTestRouterRequest, VllmTestRouterFault> _log;
    private readonly VllmTestServer[] _backends;
    private readonly bool[] _down;
    private int _roundRobin = -1;

    public RouterState(VllmTestRouterOptions options, VllmTestServer[] backends)
    {
        Options = options;
        _backends = backends;
        _down = new bool[backends.Length];
        _log = new ScriptLog<VllmTestRouterRequest, VllmTestRouterFault>(options.Faults, f => f.Budget);
        Ring = new HashRing(backends.Length);
    }

    public VllmTestRouterOptions Options { get; }

    public HashRing Ring { get; }

    public int Count => _backends.Length;

    public VllmTestServer[] Backends()
    {
        lock (_gate)
        {
            return (VllmTestServer[])_backends.Clone();
        }
    }

    public VllmTestServer Backend(int index)
    {
        lock (_gate)
        {
            return _backends[index];
        }
    }

    public void Replace(int index, VllmTestServer backend)
    {
        lock (_gate)
        {
            _backends[index] = backend;
        }
    }

    public void SetAvailable(int index, bool available)
    {
        lock (_gate)
        {
            _down[index] = !available;
        }
    }

    /// <summary>The indexes of the backends not marked down (and, when given, serving <paramref name="model"/>).</summary>
    public List<int> Live(string? model = null)
    {
        lock (_gate)
        {
            return Enumerable.Range(0, _backends.Length)
                .Where(i => !_down[i] && (model is null || _backends[i].Models.Any(m => m.Id == model)))
                .ToList();
        }
    }

    /// <summary>Whether any backend (live or not) serves <paramref name="model"/>.</summary>
    public bool AnyServes(string model) => Backends().Any(b => b.Models.Any(m => m.Id == model));

    public int NextRoundRobin(IReadOnlyList<int> candidates) =>
        candidates[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)candidates.Count)];

    public int Random(IReadOnlyList<int> candidates) => candidates[System.Random.Shared.Next(candidates.Count)];

    public VllmTestRouterRequest[] Requests() => _log.Requests();

    public void Record(VllmTestRouterRequest request) => _log.Record(request);

    public void Reset() => _log.Reset();

    public void AddFault(VllmTestRouterFault fault) => _log.AddFault(fault);

    public void ClearFaults() => _log.ClearFaults();

    /// <summary>Takes a server-wide fault that still has uses, or null.</summary>
    public VllmTestRouterFault? TakeFault() => _log.TakeFault(_ => true);
}
