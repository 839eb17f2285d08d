using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Soak;

/// <summary>
/// Injects a fault every 100 ms until disposed: a burst of 503s or 429s at a backend, streams killed mid-way, stalled
/// streams, the router answering "no live engine". Faults are counted (they switch themselves off) and cleared
/// every second, so at any moment a few are armed.
/// </summary>
internal sealed class ChaosDriver : IAsyncDisposable
{
    private readonly RouterStack _stack;
    private readonly SoakResult _result;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ChaosDriver(RouterStack stack, SoakResult result)
    {
        _stack = stack;
        _result = result;
        _loop = Task.Run(LoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var backend in _stack.Backends)
        {
            backend.ClearFaults();
        }

        _stack.Router.ClearFaults();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        for (var tick = 1; !_stop.IsCancellationRequested; tick++)
        {
            try
            {
                await Task.Delay(100, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (tick % 10 == 0)
            {
                _stack.Router.ClearFaults();
                _stack.Backends.ToList().ForEach(b => b.ClearFaults());
            }

            Inject();
        }
    }

    private void Inject()
    {
        var backend = _stack.Backends[Random.Shared.Next(_stack.Backends.Count)];
        var (name, action) = Random.Shared.Next(5) switch
        {
            0 => ("503 burst", () => backend.AddFault(new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, parameter: 0, times: 25))),
            1 => ("429 burst", () => backend.AddFault(new VllmTestFault(VllmTestFaultKind.TooManyRequests, parameter: 0, times: 15))),
            2 => ("killed mid-stream", () => backend.AddFault(new VllmTestFault(VllmTestFaultKind.CloseMidStream, parameter: 3, times: 10))),
            3 => ("stalled stream", () => backend.AddFault(new VllmTestFault(VllmTestFaultKind.StallMidStream, parameter: 3, times: 3))),
            _ => ("router: no live engine", (Action)(() => _stack.Router.AddFault(new VllmTestRouterFault(VllmTestRouterFaultKind.NoHealthyBackend, times: 10)))),
        };
        action();
        lock (_result)
        {
            _result.ChaosEvents[name] = _result.ChaosEvents.GetValueOrDefault(name) + 1;
        }
    }
}
