namespace Connectors.Vllm.Testing;

/// <summary>How many more requests a scripted fault affects (the test server's and the test router's): thread-safe.</summary>
internal sealed class FaultBudget
{
    private readonly int? _times;
    private int _remaining;

    public FaultBudget(int? times)
    {
        if (times is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "Must be at least 1.");
        }

        _times = times;
        _remaining = times ?? int.MaxValue;
    }

    /// <summary>Takes one use; false when the fault has switched itself off.</summary>
    public bool TryConsume()
    {
        while (true)
        {
            var current = Volatile.Read(ref _remaining);
            if (current <= 0)
            {
                return false;
            }

            if (current == int.MaxValue || Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Reset() => Volatile.Write(ref _remaining, _times ?? int.MaxValue);

    /// <summary>Finds the fault kind a header names (its header name, case-insensitive, white space around it ignored).</summary>
    public static bool TryFindKind<TKind>(string? name, Func<TKind, string> headerName, out TKind kind)
        where TKind : struct, Enum
    {
        var trimmed = name?.Trim();
        foreach (var candidate in Enum.GetValues<TKind>())
        {
            if (string.Equals(headerName(candidate), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
