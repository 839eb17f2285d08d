using System.Diagnostics.CodeAnalysis;

namespace Connectors.Vllm.Catalog;

/// <summary>
/// A value fetched at most once at a time and kept for a time to live. Concurrent callers share one fetch;
/// a caller's cancellation ends only that caller's wait, never the shared fetch; a failed fetch is not kept.
/// </summary>
/// <typeparam name="T">The cached value.</typeparam>
internal sealed class VllmSingleFlightCache<T>
    where T : class
{
    private readonly Func<CancellationToken, Task<T>> _fetch;
    private readonly TimeProvider _time;
    private readonly long _ttlMs;
    private readonly bool _systemClock;
    private readonly object _gate = new();
    private Flight? _current;

    public VllmSingleFlightCache(Func<CancellationToken, Task<T>> fetch, TimeSpan ttl, TimeProvider time)
    {
        _fetch = fetch;
        _ttlMs = (long)Math.Min(Math.Max(ttl.TotalMilliseconds, 0), long.MaxValue / 4);
        _time = time;

        // Stopwatch timestamps can cost a system call on virtual machines (≈0.3 µs on kvm-clock); the cached
        // path reads the clock on every call, so the system clock uses the cheap millisecond tick count.
        _systemClock = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>The value when a fetch has succeeded within the time to live; no allocation, no I/O.</summary>
    public bool TryGetFresh([NotNullWhen(true)] out T? value)
    {
        var flight = Volatile.Read(ref _current);
        if (flight is not null && flight.Task.IsCompletedSuccessfully && IsFresh(flight))
        {
            value = flight.Task.Result;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The fresh value, the fetch in flight, or a new fetch.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        var flight = Volatile.Read(ref _current);
        if (flight is null || !IsUsable(flight))
        {
            Flight? started = null;
            lock (_gate)
            {
                flight = _current;
                if (flight is null || !IsUsable(flight))
                {
                    flight = started = new Flight();
                    Volatile.Write(ref _current, flight);
                }
            }

            if (started is not null)
            {
                // Started outside the lock; runs with no caller's token so one caller's cancellation cannot fail the others.
                _ = RunAsync(started);
            }
        }

        var task = flight.Task;
        return task.IsCompleted || !cancellationToken.CanBeCanceled ? task : task.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets the cached value; the next call fetches again (a fetch in flight still completes for its waiters).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            Volatile.Write(ref _current, null);
        }
    }

    private bool IsUsable(Flight flight)
        => !flight.Task.IsCompleted || (flight.Task.IsCompletedSuccessfully && IsFresh(flight));

    private bool IsFresh(Flight flight) => NowMs() < flight.ExpiresAtMs;

    private long NowMs() => _systemClock ? Environment.TickCount64 : (long)(_time.GetTimestamp() * (1000.0 / _time.TimestampFrequency));

    private async Task RunAsync(Flight flight)
    {
        try
        {
            var value = await _fetch(CancellationToken.None).ConfigureAwait(false);
            flight.ExpiresAtMs = NowMs() + _ttlMs;
            flight.Completion.SetResult(value);
        }
        catch (Exception ex)
        {
            // Not cached: the next call starts a new fetch.
            lock (_gate)
            {
                if (ReferenceEquals(_current, flight))
                {
                    Volatile.Write(ref _current, null);
                }
            }

            flight.Completion.SetException(ex);

            // Every waiter may have given up (cancelled); reading Exception keeps the failure from being reported as unobserved.
            _ = flight.Completion.Task.Exception;
        }
    }

    private sealed class Flight
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => Completion.Task;

        public long ExpiresAtMs { get; set; }
    }
}
