namespace Connectors.Vllm.Testing;

/// <summary>What the test server and the test router keep the same way: the requests they handled, for assertions, and
/// the faults scripted for every request, each with its <see cref="FaultBudget"/>. Thread-safe.</summary>
/// <typeparam name="TRequest">The recorded request.</typeparam>
/// <typeparam name="TFault">The scripted fault.</typeparam>
internal sealed class ScriptLog<TRequest, TFault>
    where TFault : class
{
    private readonly object _gate = new();
    private readonly List<TRequest> _requests = new();
    private readonly List<TFault> _faults;
    private readonly Func<TFault, FaultBudget> _budget;

    public ScriptLog(IEnumerable<TFault> faults, Func<TFault, FaultBudget> budget)
    {
        _faults = new List<TFault>(faults);
        _budget = budget;
    }

    public TRequest[] Requests()
    {
        lock (_gate)
        {
            return _requests.ToArray();
        }
    }

    public void Record(TRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    /// <summary>Forgets the requests and re-arms the counted faults.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            foreach (var f in _faults)
            {
                _budget(f).Reset();
            }
        }
    }

    public void AddFault(TFault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes the first fault that <paramref name="applies"/> and still has uses, or null.</summary>
    public TFault? TakeFault(Func<TFault, bool> applies)
    {
        lock (_gate)
        {
            foreach (var f in _faults)
            {
                if (applies(f) && _budget(f).TryConsume())
                {
                    return f;
                }
            }
        }

        return null;
    }
}
