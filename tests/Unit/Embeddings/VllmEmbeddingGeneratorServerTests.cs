using System;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Embeddings;

/// <summary>The embedding generator against the in-process vLLM test server (strict mode: any field vLLM does not accept is a 400).</summary>
public sealed class VllmEmbeddingGeneratorServerTests
{
    private static readonly string[] Inputs = ["Follow the white rabbit.", "The quick brown fox", "vLLM serves embeddings", "ünïcödé ✓"];

    private static async Task<VllmTestServer> StartAsync(string version = "0.27.1")
    {
        var options = new VllmTestServerOptions { ApiKey = "secret", ServerVersion = version };
        options.Models.Add(VllmTestModel.Embedding("embed", dimensions: 384));
        options.Models.Add(VllmTestModel.Embedding("matryoshka", dimensions: 256, supportsMatryoshka: true));
        return await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    private static VllmProviderOptions Options(VllmTestServer server) => new()
    {
        BaseUrl = server.BaseUrl,
        ApiKey = "secret",
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    private static int[][] Bits(GeneratedEmbeddings<Embedding<float>> result)
        => result.Select(e => e.Vector.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray()).ToArray();

    [Fact]
    public async Task GenerateAsync_Base64FloatAndBytes_GiveBitIdenticalVectors()
    {
        await using var server = await StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var base64 = new VllmEmbeddingGenerator(Options(server), "embed");
        using var bytes = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", Encoding = VllmEmbeddingEncoding.Bytes }, null);

        var viaBase64 = await base64.GenerateAsync(Inputs, null, ct);
        var viaFloat = await base64.GenerateAsync(Inputs, new EmbeddingGenerationOptions().WithEncoding(VllmEmbeddingEncoding.Float), ct);
        var viaBytes = await bytes.GenerateAsync(Inputs, null, ct);

        Assert.All(server.Requests, r => Assert.Equal(200, r.StatusCode));
        var formats = server.Requests.Where(r => r.Path == "/v1/embeddings").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("encoding_format").GetString());
        Assert.Equal(["base64", "float", "bytes"], formats);
        Assert.Equal(Bits(viaFloat), Bits(viaBase64));
        Assert.Equal(Bits(viaBase64), Bits(viaBytes));
        Assert.All(viaBase64, e => Assert.Equal(384, e.Vector.Length));
        Assert.Equal("embed", viaBytes[0].ModelId);
        Assert.Equal(viaBase64.Usage!.InputTokenCount, viaBytes.Usage!.InputTokenCount);
        Assert.True(viaBase64.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task GenerateAsync_ManyInputsInBatches_SameVectorsAndUsageAsOneRequest()
    {
        await using var server = await StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var inputs = Enumerable.Range(0, 50).Select(i => $"input number {i} says {new string('x', i % 7)}").ToArray();
        using var single = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", MaxBatchSize = 100 }, null);
        using var batched = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", MaxBatchSize = 8, MaxParallelRequests = 3 }, null);

        var whole = await single.GenerateAsync(inputs, null, ct);
        server.Reset();
        var parts = await batched.GenerateAsync(inputs, null, ct);

        Assert.Equal(7, server.Requests.Count);
        Assert.Equal(Bits(whole), Bits(parts));
        Assert.Equal(whole.Usage!.InputTokenCount, parts.Usage!.InputTokenCount);
        Assert.Equal(whole.Usage.TotalTokenCount, parts.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_MatryoshkaDimensions_ReturnsRequestedSizeAndMetadataKnowsIt()
    {
        await using var server = await StartAsync();
        using var generator = new VllmEmbeddingGenerator(Options(server), "matryoshka");

        var result = await generator.GenerateAsync(Inputs, new EmbeddingGenerationOptions { Dimensions = 64 }, TestContext.Current.CancellationToken);

        Assert.All(result, e => Assert.Equal(64, e.Vector.Length));
        Assert.Equal(64, JsonDocument.Parse(server.Requests[0].Body).RootElement.GetProperty("dimensions").GetInt32());
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(server.BaseUrl, metadata.ProviderUri);
        Assert.Equal("matryoshka", metadata.DefaultModelId);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsOnNonMatryoshkaModel_ThrowsWithServerMessageAndHint()
    {
        await using var server = await StartAsync();
        using var generator = new VllmEmbeddingGenerator(Options(server), "embed");

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(Inputs, new EmbeddingGenerationOptions { Dimensions = 32 }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("Model 'embed' does not support Matryoshka embeddings; dimensions must be unset (received dimensions=32).", ex.ServerMessage);
        Assert.Contains("EmbeddingGenerationOptions.Dimensions", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_VllmExtrasAndNormalize_AcceptedByStrictServer()
    {
        await using var server = await StartAsync();
        using var generator = new VllmEmbeddingGenerator(Options(server), "embed");
        var options = new EmbeddingGenerationOptions()
            .WithTruncatePromptTokens(64)
            .WithTruncationSide(keepEnd: false)
            .WithPriority(0)
            .WithAddSpecialTokens(true)
            .WithCacheSalt("0123456789abcdef")
            .WithRequestId("req-42");
        options.AdditionalProperties!["normalize"] = true;

        var result = await generator.GenerateAsync(Inputs, options, TestContext.Current.CancellationToken);

        Assert.Equal(Inputs.Length, result.Count);
        var body = JsonDocument.Parse(Assert.Single(server.Requests).Body).RootElement;
        Assert.Equal(200, server.Requests[0].StatusCode);
        Assert.True(body.GetProperty("use_activation").GetBoolean());
        Assert.False(body.TryGetProperty("normalize", out _));
        Assert.Equal(64, body.GetProperty("truncate_prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData(VllmEmbedDType.Float16)]
    [InlineData(VllmEmbedDType.BFloat16)]
    public async Task GenerateAsync_HalfPrecisionBytes_EqualsHalfPrecisionBase64(VllmEmbedDType dtype)
    {
        await using var server = await StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var bytes = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", Encoding = VllmEmbeddingEncoding.Bytes, EmbedDType = dtype }, null);
        using var base64 = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", EmbedDType = dtype }, null);
        using var exact = new VllmEmbeddingGenerator(Options(server), "embed");

        var viaBytes = await bytes.GenerateAsync(Inputs, null, ct);
        var viaBase64 = await base64.GenerateAsync(Inputs, null, ct);
        var full = await exact.GenerateAsync(Inputs, null, ct);

        Assert.Equal(Bits(viaBase64), Bits(viaBytes));
        var tolerance = dtype == VllmEmbedDType.Float16 ? 1e-3f : 1e-2f;
        for (var i = 0; i < Inputs.Length; i++)
        {
            var a = full[i].Vector.Span;
            var b = viaBytes[i].Vector.Span;
            for (var j = 0; j < a.Length; j++)
            {
                Assert.True(Math.Abs(a[j] - b[j]) <= tolerance * Math.Max(1f, Math.Abs(a[j])), $"element {j} of input {i}: {a[j]} vs {b[j]}");
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_BytesOnOldServer_FallsBackToBase64()
    {
        await using var server = await StartAsync(version: "0.10.1");
        using var generator = new VllmEmbeddingGenerator(Options(server), new VllmEmbeddingGeneratorOptions { DefaultModelId = "embed", Encoding = VllmEmbeddingEncoding.Bytes }, null);

        var result = await generator.GenerateAsync(Inputs, null, TestContext.Current.CancellationToken);

        Assert.Equal(Inputs.Length, result.Count);
        var embeddings = server.Requests.Single(r => r.Path == "/v1/embeddings");
        Assert.Equal("base64", JsonDocument.Parse(embeddings.Body).RootElement.GetProperty("encoding_format").GetString());
    }

    [Fact]
    public async Task PrivateNetworkGate_NotAllowed_RefusesLoopbackForEmbeddingsTokenizerAndReranker()
    {
        await using var server = await StartAsync();
        var options = Options(server);
        options.AllowPrivateNetwork = false;
        var ct = TestContext.Current.CancellationToken;
        using var generator = new VllmEmbeddingGenerator(options, "embed");
        using var tokenizer = new VllmTokenizer(options, "embed");
        using var reranker = new VllmReranker(options, "embed");

        var embed = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(Inputs, null, ct));
        var tokenize = await Assert.ThrowsAsync<VllmException>(() => tokenizer.CountTokensAsync("x", ct));
        var rerank = await Assert.ThrowsAsync<VllmException>(() => reranker.RerankAsync("q", Inputs, null, ct));

        Assert.All([embed, tokenize, rerank], ex => Assert.Contains("AllowPrivateNetwork", ex.Message, StringComparison.Ordinal));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Cancellation_CancelledToken_ThrowsOperationCanceledForEmbeddingsAndTokenizer()
    {
        await using var server = await StartAsync();
        using var generator = new VllmEmbeddingGenerator(Options(server), "embed");
        using var tokenizer = new VllmTokenizer(Options(server), "embed");
        using var cts = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Inputs, null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tokenizer.CountTokensAsync("x", cts.Token));
    }

    [Fact]
    public async Task GenerateAsync_WrongApiKey_ThrowsUnauthorizedWithHint()
    {
        await using var server = await StartAsync();
        var options = Options(server);
        options.ApiKey = "wrong";
        using var generator = new VllmEmbeddingGenerator(options, "embed");

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(Inputs, null, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", ex.Message, StringComparison.Ordinal);
    }
}
