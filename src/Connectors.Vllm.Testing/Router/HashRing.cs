using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Connectors.Vllm.Testing.Router;

/// <summary>
/// A consistent-hash ring over the backends (160 virtual nodes each, as vllm-router's <c>consistent_hash</c>;
/// production-stack's session router uses a hash ring too): the same key always lands on the same backend while it
/// is live; a key whose backend is down moves to the next live one on the ring.
/// </summary>
internal sealed class HashRing
{
    private const int VirtualNodes = 160;
    private readonly ulong[] _points;
    private readonly int[] _owners;

    public HashRing(int backends)
    {
        var ring = new List<(ulong Point, int Owner)>(backends * VirtualNodes);
        for (var b = 0; b < backends; b++)
        {
            for (var v = 0; v < VirtualNodes; v++)
            {
                ring.Add((Hash(string.Create(CultureInfo.InvariantCulture, $"backend-{b}#{v}")), b));
            }
        }

        ring.Sort((x, y) => x.Point.CompareTo(y.Point));
        _points = ring.Select(r => r.Point).ToArray();
        _owners = ring.Select(r => r.Owner).ToArray();
    }

    /// <summary>The backend for <paramref name="key"/> among <paramref name="candidates"/> (not empty).</summary>
    public int Pick(string key, IReadOnlyList<int> candidates)
    {
        var start = Array.BinarySearch(_points, Hash(key));
        start = start < 0 ? ~start : start;
        for (var i = 0; i < _points.Length; i++)
        {
            var owner = _owners[(start + i) % _points.Length];
            if (candidates.Contains(owner))
            {
                return owner;
            }
        }

        return candidates[0];
    }

    public static ulong Hash(string key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
