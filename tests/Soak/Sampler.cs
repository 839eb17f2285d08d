using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Connectors.Vllm.Soak;

/// <summary>
/// One sample of a soak run, taken after a phase: open descriptors and sockets while the connection pools are still
/// warm, then, with the servers' request logs cleared, the managed heap after a full compacting GC and its size by
/// generation (live bytes: size after the GC minus fragmentation).
/// </summary>
/// <param name="Percent">The progress, 10 … 100.</param>
/// <param name="Calls">The calls made so far.</param>
/// <param name="HeapBytes"><see cref="GC.GetTotalMemory(bool)"/> after the full GC; the figure the heap rule judges.</param>
/// <param name="Gen01Bytes">Generations 0 and 1 after the GC.</param>
/// <param name="Gen2Bytes">Generation 2 after the GC.</param>
/// <param name="LohBytes">The large object heap after the GC.</param>
/// <param name="PohBytes">The pinned object heap after the GC (socket and Kestrel buffers live here).</param>
/// <param name="Sockets">Open sockets of this process at the sample.</param>
/// <param name="Fds">Open descriptors of this process at the sample.</param>
internal sealed record HeapSample(int Percent, int Calls, long HeapBytes, long Gen01Bytes, long Gen2Bytes, long LohBytes, long PohBytes, int Sockets, int Fds);

/// <summary>
/// Runs a soak's calls in ten phases of 10 % and takes a <see cref="HeapSample"/> after each: the one sampling loop
/// of the plain soak and the router chaos soak.
/// </summary>
internal static class Sampler
{
    /// <summary>The progress percentages at which samples are taken.</summary>
    public static IReadOnlyList<int> Percents { get; } = Enumerable.Range(1, 10).Select(i => i * 10).ToArray();

    /// <summary>Runs calls [0, <see cref="SoakResult.Requests"/>) phase by phase and adds a sample to <paramref name="result"/> after each.</summary>
    /// <param name="result">The run's figures; <see cref="SoakResult.Samples"/> and <see cref="SoakResult.PeakSockets"/> are filled.</param>
    /// <param name="runPhase">Runs calls [from, to); the third argument is the percentage the phase ends at.</param>
    /// <param name="forgetRequests">Clears what the servers recorded, before the heap is sampled (in process, that memory would count).</param>
    /// <returns>A task that completes after the last sample.</returns>
    public static async Task RunAsync(SoakResult result, Func<int, int, int, Task> runPhase, Func<Task> forgetRequests)
    {
        var done = 0;
        foreach (var percent in Percents)
        {
            var target = (int)((long)result.Requests * percent / 100);
            await runPhase(done, target, percent).ConfigureAwait(false);
            done = target;
            var fds = Program.CountFds(out var sockets);
            result.PeakSockets = Math.Max(result.PeakSockets, sockets);
            await forgetRequests().ConfigureAwait(false);
            var sample = Take(percent, done, sockets, fds);
            result.Samples.Add(sample);
            Console.Error.WriteLine(
                $"{percent,3} %: {done} calls, {result.Completed} whole, {result.TypedErrors.Values.Sum()} typed errors, {result.UnexpectedErrors} unexpected, {result.Hangs} hangs, " +
                $"heap {sample.HeapBytes:N0} B (gen0+1 {sample.Gen01Bytes:N0}, gen2 {sample.Gen2Bytes:N0}, LOH {sample.LohBytes:N0}, POH {sample.PohBytes:N0}), sockets {sockets}");
        }
    }

    private static HeapSample Take(int percent, int calls, int sockets, int fds)
    {
        var heap = Program.FullGcHeap();
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        long Live(int generation) => info.GenerationInfo[generation].SizeAfterBytes - info.GenerationInfo[generation].FragmentationAfterBytes;
        return new HeapSample(percent, calls, heap, Live(0) + Live(1), Live(2), Live(3), Live(4), sockets, fds);
    }
}
