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
    private long _embeddingsFloat;
    private long _embeddingsBase64;
    private long _embeddingsBytes;

    /// <summary>Counts an embeddings request by the encoding it asked for.</summary>
    public void CountEncoding(string format)
    {
        switch (format)
        {
            case "base64":
                Interlocked.Increment(ref _embeddingsBase64);
                break;
            case "bytes" or "bytes_only":
                Interlocked.Increment(ref _embeddingsBytes);
                break;
            default:
                Interlocked.Increment(ref _embeddingsFloat);
                break;
        }
    }

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
        + ",\"other\":" + Interlocked.Read(ref _other)
        + ",\"embeddings_float\":" + Interlocked.Read(ref _embeddingsFloat)
        + ",\"embeddings_base64\":" + Interlocked.Read(ref _embeddingsBase64)
        + ",\"embeddings_bytes\":" + Interlocked.Read(ref _embeddingsBytes) + "}";
}
