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

    /// <summary>Managed heap after a full GC, by progress percentage.</summary>
    public SortedDictionary<int, long> HeapAfterFullGc { get; } = new();

    public int BaselineFds { get; set; }

    public int BaselineSockets { get; set; }

    public int PeakSockets { get; set; }

    public int FinalFds { get; set; }

    public int FinalSockets { get; set; }
}
