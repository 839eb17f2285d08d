using System;
using System.Threading;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>A clock that moves only when the test says so (no timed assertions).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
