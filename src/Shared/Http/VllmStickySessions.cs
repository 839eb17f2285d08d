namespace Connectors.Vllm.Http;

/// <summary>
/// The values of the response headers named by <see cref="VllmProviderOptions.StickyResponseHeader"/> (for example llm-d's
/// <c>x-session-token</c>, and <c>x-session-token-prefill</c> with prefill/decode disaggregation) that a router sent back,
/// per session id, so that the session's later requests carry them and reach the same replicas. Each header keeps its own
/// last value: a response that carries only some of them updates only those. Bounded per session, not per header: beyond
/// <see cref="Capacity"/> sessions the least recently used is forgotten with all its values (its next request is routed
/// afresh).
/// </summary>
/// <remarks>Thread-safe (one lock; the work under it is a dictionary and a linked-list step). A session's values are an
/// array that is replaced, never changed, so a reader may use the one <see cref="Get"/> returned outside the lock.</remarks>
internal sealed class VllmStickySessions
{
    /// <summary>The most sessions remembered per client.</summary>
    public const int Capacity = 10_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, string?[]>>> _bySession = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, string?[]>> _recent = new();
    private readonly string[] _headerNames;
    private readonly int _capacity;

    /// <summary>Creates the store for the headers of a validated <see cref="VllmProviderOptions.StickyResponseHeader"/>.</summary>
    /// <param name="headerNames">The header names, from <see cref="SplitHeaderNames"/>: not empty, none empty, no duplicates.</param>
    /// <param name="capacity">The most sessions remembered.</param>
    public VllmStickySessions(string[] headerNames, int capacity = Capacity)
    {
        _headerNames = headerNames;
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>The captured headers, in the order of the setting; the index of a name is its index in <see cref="Get"/>'s values.</summary>
    public IReadOnlyList<string> HeaderNames => _headerNames;

    /// <summary>Gets how many sessions are remembered.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _bySession.Count;
            }
        }
    }

    /// <summary>The entries of a <see cref="VllmProviderOptions.StickyResponseHeader"/> value: split at commas (a header name
    /// cannot contain one), each trimmed; an empty entry is kept, so that validation can refuse it.</summary>
    public static string[] SplitHeaderNames(string setting) => setting.Split(',', StringSplitOptions.TrimEntries);

    /// <summary>The values remembered for <paramref name="sessionId"/>, one per <see cref="HeaderNames"/> entry
    /// (<see langword="null"/> for a header never received), or <see langword="null"/> when the session is unknown. The
    /// array is never changed afterwards.</summary>
    public string?[]? Get(string sessionId)
    {
        lock (_gate)
        {
            if (!_bySession.TryGetValue(sessionId, out var node))
            {
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Value;
        }
    }

    /// <summary>Remembers <paramref name="value"/> of header <paramref name="header"/> (its index in <see cref="HeaderNames"/>)
    /// for <paramref name="sessionId"/>, keeping the session's other headers; a new session forgets the least recently used
    /// one when full. An unchanged value allocates nothing.</summary>
    public void Set(string sessionId, int header, string value)
    {
        lock (_gate)
        {
            string?[] values;
            if (_bySession.TryGetValue(sessionId, out var node))
            {
                if (string.Equals(node.Value.Value[header], value, StringComparison.Ordinal))
                {
                    return;
                }

                values = (string?[])node.Value.Value.Clone();
                _recent.Remove(node);
            }
            else
            {
                if (_bySession.Count >= _capacity && _recent.Last is { } oldest)
                {
                    _recent.RemoveLast();
                    _bySession.Remove(oldest.Value.Key);
                }

                values = new string?[_headerNames.Length];
                node = new LinkedListNode<KeyValuePair<string, string?[]>>(default);
                _bySession[sessionId] = node;
            }

            values[header] = value;
            node.Value = new KeyValuePair<string, string?[]>(sessionId, values);
            _recent.AddFirst(node);
        }
    }
}
