using System;
using System.Collections.Generic;
using System.Linq;

namespace Connectors.Vllm.Soak;

/// <summary>
/// The soak's heap rule, which judges a leak and not the warm-up: the first half of a run fills connection pools,
/// buffers and caches, so the steady state is the second half, and the run passes when every sample from 50 % to
/// 100 % is within <see cref="Tolerance"/> of the 50 % sample. Also gives the warm-up growth (10 % → 50 %), the
/// steady-state change (50 % → 100 %) and a least-squares slope over the second-half samples.
/// </summary>
internal sealed class HeapRule
{
    /// <summary>The allowed deviation from the 50 % sample.</summary>
    public const double Tolerance = 0.10;

    /// <summary>The rule in words, for the report.</summary>
    public const string Text = "every sample from 50 % to 100 % within ±10 % of the 50 % sample (steady state = second half; 10 % → 50 % is warm-up)";

    public HeapRule(IReadOnlyList<HeapSample> samples)
    {
        var first = samples.FirstOrDefault(s => s.Percent == 10);
        var middle = samples.FirstOrDefault(s => s.Percent == 50);
        var last = samples.FirstOrDefault(s => s.Percent == 100);
        if (first is null || middle is null || last is null || middle.HeapBytes <= 0)
        {
            return; // an incomplete run fails the rule
        }

        var steady = samples.Where(s => s.Percent >= 50).ToArray();
        Baseline = middle.HeapBytes;
        MaxDeviation = steady.Max(s => Math.Abs(s.HeapBytes - Baseline) / (double)Baseline);
        Passed = MaxDeviation <= Tolerance;
        WarmupGrowth = (middle.HeapBytes - first.HeapBytes) / (double)first.HeapBytes;
        SteadyChange = (last.HeapBytes - middle.HeapBytes) / (double)middle.HeapBytes;
        BytesPer1000Calls = Slope(steady) * 1000;
        (BytesPerSocket, BytesPer1000CallsBesideSockets) = SocketFit(steady);
        SteadyCalls = last.Calls - middle.Calls;
        SmallestLeakCaughtPerCall = SteadyCalls > 0 ? Tolerance * Baseline / SteadyCalls : double.NaN;
    }

    /// <summary>Gets a value indicating whether every second-half sample is within the tolerance of the 50 % sample.</summary>
    public bool Passed { get; }

    /// <summary>Gets the 50 % sample (bytes).</summary>
    public long Baseline { get; }

    /// <summary>Gets the largest relative distance of a second-half sample from the 50 % sample.</summary>
    public double MaxDeviation { get; }

    /// <summary>Gets the relative growth from the 10 % to the 50 % sample.</summary>
    public double WarmupGrowth { get; }

    /// <summary>Gets the relative change from the 50 % to the 100 % sample.</summary>
    public double SteadyChange { get; }

    /// <summary>Gets the least-squares slope of heap over calls across the 50 % … 100 % samples, per 1,000 calls.</summary>
    public double BytesPer1000Calls { get; }

    /// <summary>
    /// Gets the heap each open socket accounts for, from the least-squares fit heap = a + b·sockets + c·calls over the
    /// 50 % … 100 % samples (NaN when the socket count did not vary). Pooled connections come and go under chaos, and
    /// their buffers are live heap: this separates that from growth with the number of calls.
    /// </summary>
    public double BytesPerSocket { get; } = double.NaN;

    /// <summary>Gets c of the same fit, per 1,000 calls: the growth with calls once the open-socket count is accounted for.</summary>
    public double BytesPer1000CallsBesideSockets { get; } = double.NaN;

    /// <summary>Gets the calls between the 50 % and 100 % samples.</summary>
    public int SteadyCalls { get; }

    /// <summary>Gets the smallest steady leak (bytes per call) that fails the rule by 100 %: 10 % of the 50 % sample over the second half's calls.</summary>
    public double SmallestLeakCaughtPerCall { get; }

    private static (double PerSocket, double Per1000Calls) SocketFit(IReadOnlyList<HeapSample> samples)
    {
        // Centred normal equations of heap = a + b·sockets + c·calls, solved by Cramer's rule.
        var meanS = samples.Average(x => (double)x.Sockets);
        var meanC = samples.Average(x => (double)x.Calls);
        var meanY = samples.Average(x => (double)x.HeapBytes);
        double sss = 0, scc = 0, ssc = 0, ssy = 0, scy = 0;
        foreach (var x in samples)
        {
            double ds = x.Sockets - meanS, dc = x.Calls - meanC, dy = x.HeapBytes - meanY;
            sss += ds * ds;
            scc += dc * dc;
            ssc += ds * dc;
            ssy += ds * dy;
            scy += dc * dy;
        }

        var det = (sss * scc) - (ssc * ssc);
        if (sss <= 0 || scc <= 0 || Math.Abs(det) <= 1e-9 * sss * scc)
        {
            return (double.NaN, double.NaN);
        }

        return (((ssy * scc) - (scy * ssc)) / det, ((scy * sss) - (ssy * ssc)) / det * 1000);
    }

    private static double Slope(IReadOnlyList<HeapSample> samples)
    {
        var meanX = samples.Average(s => (double)s.Calls);
        var meanY = samples.Average(s => (double)s.HeapBytes);
        var sxy = samples.Sum(s => (s.Calls - meanX) * (s.HeapBytes - meanY));
        var sxx = samples.Sum(s => (s.Calls - meanX) * (s.Calls - meanX));
        return sxx > 0 ? sxy / sxx : 0;
    }
}
