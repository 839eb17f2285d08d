using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>
/// Maps a request to its pre-rendered response. The workload is chosen by the requested model id, so
/// every client can send the same ordinary request:
/// <c>bench-stream-N</c> (N content chunks), <c>bench-tool-N</c> (tool call with N argument fragments),
/// <c>bench-embed-D</c> (D-dimensional vectors, one per input; format from <c>encoding_format</c>);
/// any other model gets the example bodies. Responses are rendered once and cached.
/// </summary>
internal sealed class ReplayCatalog
{
    private readonly ReplayRenderer _renderer;
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _cache = new(StringComparer.Ordinal);

    public ReplayCatalog(ReplayTemplates templates) => _renderer = new ReplayRenderer(templates);

    public ReplayStats Stats { get; } = new();

    public byte[] Respond(string method, string path, ReadOnlySpan<byte> body)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        switch (method, path)
        {
            case ("GET", "/_bench/stats"):
                return _renderer.Stats(Stats.ToJson());
            case ("GET", "/v1/models"):
                Stats.Count("models");
                return Cached("models", _renderer.Models);
            case ("GET", "/version"):
                Stats.Count("version");
                return Cached("version", _renderer.Version);
            case ("GET", "/health"):
                Stats.Count("health");
                return Cached("health", _renderer.Health);
            case ("POST", "/v1/chat/completions"):
                Stats.Count("chat");
                return Chat(body);
            case ("POST", "/v1/embeddings"):
                Stats.Count("embeddings");
                return Embeddings(body);
            default:
                Stats.Count("other");
                return Cached("404", _renderer.NotFound);
        }
    }

    private byte[] Chat(ReadOnlySpan<byte> body)
    {
        var request = ReplayRequest.Parse(body);
        var model = request.Model ?? "bench";
        if (TrySuffix(model, "bench-stream-", out var chunks))
        {
            return request.Stream
                ? Cached("s|" + model, () => _renderer.TextStream(model, chunks))
                : Cached("j|" + model, () => _renderer.ChatJson(model));
        }

        if (TrySuffix(model, "bench-tool-", out var fragments))
        {
            return request.Stream
                ? Cached("ts|" + model, () => _renderer.ToolStream(model, fragments))
                : Cached("tj|" + model, () => _renderer.ToolJson(model));
        }

        return request.Stream
            ? Cached("s|" + model, () => _renderer.TextStream(model, 9))
            : Cached("j|" + model, () => _renderer.ChatJson(model));
    }

    private byte[] Embeddings(ReadOnlySpan<byte> body)
    {
        var request = ReplayRequest.Parse(body);
        var model = request.Model ?? "bench";
        var dims = TrySuffix(model, "bench-embed-", out var d) ? d : 32;
        var format = request.EncodingFormat ?? "float";
        if (format is not ("float" or "base64" or "bytes" or "bytes_only"))
        {
            return _renderer.BadRequest($"unsupported encoding_format {format}");
        }

        Stats.CountEncoding(format);
        var count = Math.Max(1, request.InputCount);
        return Cached($"e|{model}|{count}|{format}", () => _renderer.Embeddings(model, count, dims, format));
    }

    private byte[] Cached(string key, Func<byte[]> render)
        => _cache.GetOrAdd(key, _ => new Lazy<byte[]>(render, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static bool TrySuffix(string model, string prefix, out int value)
    {
        value = 0;
        return model.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(model.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value > 0;
    }
}
