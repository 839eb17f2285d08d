using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Soak;

/// <summary>
/// The router and backends the chaos soak calls, wherever they run: in this process (<see cref="InProcessRouter"/>)
/// or in a child process (<see cref="RouterHostProcess"/>).
/// </summary>
internal interface IRouterTarget : IAsyncDisposable
{
    /// <summary>Gets the client options pointing at the router.</summary>
    VllmProviderOptions Options { get; }

    /// <summary>Stops backend <paramref name="index"/> (its requests are cut off) and starts a new one on its port.</summary>
    Task RestartBackendAsync(int index);

    /// <summary>Makes the router and backends forget the requests they recorded.</summary>
    Task ResetAsync();

    /// <summary>Stops injecting faults and returns how many of each kind were injected.</summary>
    Task<IReadOnlyDictionary<string, int>> StopChaosAsync();
}

/// <summary>A <see cref="RouterStack"/> and, optionally, a <see cref="ChaosDriver"/> in this process.</summary>
internal sealed class InProcessRouter : IRouterTarget
{
    private readonly RouterStack _stack;
    private readonly SoakResult _events = new();
    private ChaosDriver? _chaos;

    private InProcessRouter(RouterStack stack, bool chaos)
    {
        _stack = stack;
        _chaos = chaos ? new ChaosDriver(stack, _events) : null;
    }

    public VllmProviderOptions Options => _stack.Options;

    /// <summary>Starts three backends behind a router in <paramref name="mode"/>, with faults injected if <paramref name="chaos"/>.</summary>
    public static async Task<InProcessRouter> StartAsync(VllmTestRouterMode mode, bool chaos) =>
        new(await RouterStack.StartAsync(mode).ConfigureAwait(false), chaos);

    public Task RestartBackendAsync(int index) => _stack.RestartAsync(index);

    public Task ResetAsync()
    {
        _stack.Reset();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyDictionary<string, int>> StopChaosAsync()
    {
        if (_chaos is { } chaos)
        {
            _chaos = null;
            await chaos.DisposeAsync().ConfigureAwait(false);
        }

        lock (_events)
        {
            return new SortedDictionary<string, int>(_events.ChaosEvents, StringComparer.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopChaosAsync().ConfigureAwait(false);
        await _stack.DisposeAsync().ConfigureAwait(false);
    }
}
