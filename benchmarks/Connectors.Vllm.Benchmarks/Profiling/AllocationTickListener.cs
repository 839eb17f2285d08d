using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Threading;

namespace Connectors.Vllm.Benchmarks.Profiling;

/// <summary>
/// Samples allocations by type in this process from the runtime's GCAllocationTick events (one event per
/// ~100 KB allocated, naming the type of the object that crossed the threshold): a statistical
/// allocation profile without an external profiler.
/// </summary>
internal sealed class AllocationTickListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private volatile bool _recording;

    public ConcurrentDictionary<string, long> BytesByType { get; } = new(StringComparer.Ordinal);

    public long TotalSampledBytes => Interlocked.Read(ref _total);

    private long _total;

    public void Start()
    {
        BytesByType.Clear();
        Interlocked.Exchange(ref _total, 0);
        _recording = true;
    }

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        string? type = null;
        long amount = 0;
        for (var i = 0; i < eventData.Payload.Count; i++)
        {
            switch (eventData.PayloadNames?[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string;
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "AllocationAmount" when amount == 0:
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }

        type ??= "?";
        BytesByType.AddOrUpdate(type, amount, (_, v) => v + amount);
        Interlocked.Add(ref _total, amount);
    }
}
