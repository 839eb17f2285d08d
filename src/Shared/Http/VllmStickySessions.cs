namespace Connectors.Vllm.Http;

/// <summary>
/// The values of <see cref="VllmProviderOptions.StickyResponseHeader"/> (for example llm-d's <c>x-session-token</c>) that a
/// router sent back, one per session id, so that the session's later requests carry it and reach the same replica. Bounded:
/// beyond <see cref="Capacity"/> sessions the least recently used is forgotten (its next request is routed afresh).
/// </summary>
/// <remarks>Thread-safe (one lock; the work under it is a dictionary and a linked-list step).</remarks>
internal sealed class VllmStickySessions
{
    /// <summary>The most sessions remembered per client.</summary>
    public const int Capacity = 10_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, string>>> _bySession = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, string>> _recent = new();
    private readonly int _capacity;

    public VllmStickySessions(int capacity = Capacity) => _capacity = Math.Max(1, capacity);

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

    /// <summary>The value remembered for <paramref name="sessionId"/>, or <see langword="null"/>.</summary>
    public string? Get(string sessionId)
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

    /// <summary>Remembers <paramref name="value"/> for <paramref name="sessionId"/>, forgetting the least recently used
    /// session when full.</summary>
    public void Set(string sessionId, string value)
    {
        lock (_gate)
        {
            if (_bySession.TryGetValue(sessionId, out var node))
            {
                if (string.Equals(node.Value.Value, value, StringComparison.Ordinal))
                {
                    return;
                }

                _recent.Remove(node);
                _bySession.Remove(sessionId);
            }
            else if (_bySession.Count >= _capacity && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _bySession.Remove(oldest.Value.Key);
            }

            _bySession[sessionId] = _recent.AddFirst(new KeyValuePair<string, string>(sessionId, value));
        }
    }
}
