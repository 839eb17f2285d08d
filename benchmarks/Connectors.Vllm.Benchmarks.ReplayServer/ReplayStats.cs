using System.Threading;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>Request counters per route, served at <c>GET /_bench/stats</c> (that route is not counted).</summary>
internal sealed class ReplayStats
{
    private long _total;
    private long _chat;
    private long _embeddings;
    private long _models;
    private long _version;
    private long _other;

    public void Count(string route)
    {
        Interlocked.Increment(ref _total);
        switch (route)
        {
            case "chat":
                Interlocked.Increment(ref _chat);
                break;
            case "embeddings":
                Interlocked.Increment(ref _embeddings);
                break;
            case "models":
                Interlocked.Increment(ref _models);
                break;
            case "version":
                Interlocked.Increment(ref _version);
                break;
            default:
                Interlocked.Increment(ref _other);
                break;
        }
    }

    public string ToJson()
        => "{\"total\":" + Interlocked.Read(ref _total)
        + ",\"chat\":" + Interlocked.Read(ref _chat)
        + ",\"embeddings\":" + Interlocked.Read(ref _embeddings)
        + ",\"models\":" + Interlocked.Read(ref _models)
        + ",\"version\":" + Interlocked.Read(ref _version)
        + ",\"other\":" + Interlocked.Read(ref _other) + "}";
}
