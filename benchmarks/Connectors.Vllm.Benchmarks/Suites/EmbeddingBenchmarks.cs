using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// /v1/embeddings, 256 inputs × 4,096 dimensions (float32 values). The response follows the request's
/// <c>encoding_format</c>: float JSON (~11.6 MB, float32 shortest text as orjson writes it), base64 of
/// little-endian float32 (~5.6 MB) or vLLM "bytes" (4 MiB octet-stream + <c>metadata</c> header).
/// </summary>
[Workload("embeddings 256 × 4,096", 5, Unit = "request")]
[MemoryDiagnoser]
public class EmbeddingBenchmarks : SuiteBase
{
    private static bool _validated;
    private IEmbeddingGenerator<string, Embedding<float>>? _ours;
    private EmbeddingGenerationOptions? _oursBytesOptions;
    private IEmbeddingGenerator<string, Embedding<float>> _stock = null!;
#pragma warning disable CS0618 // SK's (obsolete-marked) embedding service is what its users still call.
    private OpenAITextEmbeddingGenerationService _sk = null!;
#pragma warning restore CS0618
    private RawEmbeddingClient _raw = null!;
    private List<string> _inputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        StartServer();
        _ours = OursClients.Embeddings(Server.V1, BenchInputs.EmbedModel);
        _oursBytesOptions = OursClients.EmbeddingsBytesOptions();
        _stock = PeerClients.StockEmbeddings(Server.V1, BenchInputs.EmbedModel);
        _sk = PeerClients.SkEmbeddings(Server.V1, BenchInputs.EmbedModel);
        _raw = new RawEmbeddingClient(Server.V1);
        _inputs = BenchInputs.EmbedTexts.ToList();
        if (!_validated)
        {
            // Once per process: every client must read the same bytes to the same result before it is timed.
            ValidateAsync().GetAwaiter().GetResult();
            _validated = true;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _stock.Dispose();
        _raw.Dispose();
        StopServer();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, "base64 (default)", Requires = OursFeature.Embeddings)]
    public async Task<int> Ours() => (await _ours!.GenerateAsync(_inputs).ConfigureAwait(false)).Count;

    [Benchmark]
    [BenchClient(ClientKind.Ours, "bytes (opt-in)", Requires = OursFeature.EmbeddingsBytes, Primary = false)]
    public async Task<int> OursBytes() => (await _ours!.GenerateAsync(_inputs, _oursBytesOptions).ConfigureAwait(false)).Count;

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai, "base64")]
    public async Task<int> StockMeai() => (await _stock.GenerateAsync(_inputs).ConfigureAwait(false)).Count;

    [Benchmark]
    [BenchClient(ClientKind.SemanticKernel, "base64")]
    public async Task<int> SemanticKernel() => (await _sk.GenerateEmbeddingsAsync(_inputs).ConfigureAwait(false)).Count;

    [Benchmark]
    [BenchClient(ClientKind.Raw, "base64")]
    public async Task<int> Raw() => (await _raw.EmbedAsync(BenchInputs.EmbedModel, _inputs, "base64").ConfigureAwait(false)).Length;

    [Benchmark]
    [BenchClient(ClientKind.Raw, "float JSON", Primary = false)]
    public async Task<int> RawFloatJson() => (await _raw.EmbedAsync(BenchInputs.EmbedModel, _inputs, "float").ConfigureAwait(false)).Length;

    [Benchmark]
    [BenchClient(ClientKind.Raw, "bytes", Primary = false)]
    public async Task<int> RawBytes() => (await _raw.EmbedAsync(BenchInputs.EmbedModel, _inputs, "bytes").ConfigureAwait(false)).Length;

    private async Task ValidateAsync()
    {
        var expected = Enumerable.Range(0, BenchInputs.EmbedInputs).Select(i => Vector(i)).ToArray();
        if (_ours is not null)
        {
            await CheckAsync("ours", "base64", async () => (await _ours.GenerateAsync(_inputs).ConfigureAwait(false)).Select(e => e.Vector.ToArray()).ToArray(), expected).ConfigureAwait(false);
            if (_oursBytesOptions is not null)
            {
                await CheckAsync("ours (bytes)", "bytes", async () => (await _ours.GenerateAsync(_inputs, _oursBytesOptions).ConfigureAwait(false)).Select(e => e.Vector.ToArray()).ToArray(), expected).ConfigureAwait(false);
            }
        }

        await CheckAsync("stock MEAI", "base64", async () => (await _stock.GenerateAsync(_inputs).ConfigureAwait(false)).Select(e => e.Vector.ToArray()).ToArray(), expected).ConfigureAwait(false);
        await CheckAsync("SK", "base64", async () => (await _sk.GenerateEmbeddingsAsync(_inputs).ConfigureAwait(false)).Select(e => e.ToArray()).ToArray(), expected).ConfigureAwait(false);
        foreach (var format in new[] { "float", "base64", "bytes" })
        {
            await CheckAsync("raw " + format, format, () => _raw.EmbedAsync(BenchInputs.EmbedModel, _inputs, format), expected).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the vectors bit for bit, and that the client asked for the encoding its row is labelled with.</summary>
    private async Task CheckAsync(string who, string encoding, Func<Task<float[][]>> call, float[][] expected)
    {
        var before = await Server.GetCountsAsync().ConfigureAwait(false);
        var actual = await call().ConfigureAwait(false);
        var after = await Server.GetCountsAsync().ConfigureAwait(false);
        var asked = (after.EmbeddingsFloat - before.EmbeddingsFloat, after.EmbeddingsBase64 - before.EmbeddingsBase64, after.EmbeddingsBytes - before.EmbeddingsBytes) switch
        {
            (1, 0, 0) => "float",
            (0, 1, 0) => "base64",
            (0, 0, 1) => "bytes",
            var other => $"{other} requests (float, base64, bytes)",
        };
        if (asked != encoding)
        {
            throw new InvalidOperationException($"{who}: expected one {encoding} request, the server saw {asked}");
        }

        Check(who, actual, expected);
    }

    /// <summary>The replay server's deterministic vector (same generator, re-implemented here on purpose).</summary>
    private static float[] Vector(int index)
    {
        var v = new float[BenchInputs.EmbedDimensions];
        var state = (uint)(index * 2654435761u) ^ 0x9E3779B9u;
        for (var j = 0; j < v.Length; j++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var magnitude = 0.001f + (0.049f * ((state >> 8) / 16777216f));
            v[j] = (state & 1) == 0 ? magnitude : -magnitude;
        }

        return v;
    }

    private static void Check(string who, float[][] actual, float[][] expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"{who}: {actual.Length} vectors, expected {expected.Length}");
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (!actual[i].AsSpan().SequenceEqual(expected[i]))
            {
                throw new InvalidOperationException($"{who}: vector {i} differs from what the server sent");
            }
        }
    }
}
