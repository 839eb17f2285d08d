using System;
using System.Collections.Generic;

namespace Connectors.Vllm.Soak;

/// <summary>The figures one soak run measured.</summary>
internal sealed class SoakResult
{
    public int Requests { get; set; }

    public int Concurrency { get; set; }

    public int Completed { get; set; }

    public int UnexpectedErrors { get; set; }

    public List<string> FirstErrors { get; } = new();

    public double ElapsedSeconds { get; set; }

    /// <summary>The heap and descriptor samples, one after every 10 % of the calls (<see cref="Sampler"/>).</summary>
    public List<HeapSample> Samples { get; } = new();

    public int BaselineFds { get; set; }

    public int BaselineSockets { get; set; }

    public int PeakSockets { get; set; }

    public int FinalFds { get; set; }

    public int FinalSockets { get; set; }

    /// <summary>Router chaos: calls that ended in a typed <c>VllmException</c>, by status (0 = no response).</summary>
    public SortedDictionary<int, int> TypedErrors { get; } = new();

    /// <summary>Router chaos: calls still running when the hang limit passed.</summary>
    public int Hangs { get; set; }

    /// <summary>Router chaos: the faults injected, by kind.</summary>
    public SortedDictionary<string, int> ChaosEvents { get; } = new(StringComparer.Ordinal);

    public void Count(Exception ex)
    {
        if (ex is VllmException v)
        {
            var status = (int?)v.StatusCode ?? 0;
            TypedErrors[status] = TypedErrors.GetValueOrDefault(status) + 1;
        }
        else
        {
            Hangs++;
        }
    }
}
