using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Embeddings;

public sealed class VllmEmbeddingGeneratorTests
{
    private static VllmProviderOptions Options(string? apiKey = null) => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
        ApiKey = apiKey,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    private static float[] ExampleFloats()
    {
        using var doc = JsonDocument.Parse(TestFiles.Read("embeddings-response.example.json"));
        return doc.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }

    private static int[] Bits(ReadOnlyMemory<float> vector) => vector.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public async Task GenerateAsync_Default_SendsBase64RequestAndDecodesBitExact()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("embeddings-response-base64.example.json"));
        using var generator = new VllmEmbeddingGenerator(Options("secret"), "vllm/jinaai/jina-embeddings-v3", handler.CreateClient());

        var result = await generator.GenerateAsync(["Follow the white rabbit."], new EmbeddingGenerationOptions { Dimensions = 32 }, TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:8000/v1/embeddings", request.Uri.ToString());
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("Bearer secret", request.Authorization);
        var body = request.Json;
        Assert.Equal(["model", "input", "encoding_format", "dimensions"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("jinaai/jina-embeddings-v3", body.GetProperty("model").GetString());
        Assert.Equal(["Follow the white rabbit."], body.GetProperty("input").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("base64", body.GetProperty("encoding_format").GetString());
        Assert.Equal(32, body.GetProperty("dimensions").GetInt32());

        var embedding = Assert.Single(result);
        Assert.Equal(Bits(ExampleFloats()), Bits(embedding.Vector));
        Assert.Equal("jinaai/jina-embeddings-v3", embedding.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745476417), embedding.CreatedAt);
        Assert.Equal(8, result.Usage!.InputTokenCount);
        Assert.Equal(8, result.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_ServerAnswersFloatJson_DecodesSameVectorAsBase64()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("embeddings-response.example.json"));
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());

        var result = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions().WithEncoding(VllmEmbeddingEncoding.Float), TestContext.Current.CancellationToken);

        Assert.Equal("float", handler.Requests[0].Json.GetProperty("encoding_format").GetString());
        Assert.Equal(Bits(ExampleFloats()), Bits(result[0].Vector));
    }

    [Fact]
    public async Task GenerateAsync_BytesEncoding_SendsBytesAndGivesResultsIdenticalToBase64()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var bytesGenerator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { DefaultModelId = "m", Encoding = VllmEmbeddingEncoding.Bytes }, handler.CreateClient());
        using var base64Generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        string[] inputs = ["t1", "t2", "t3"];

        var viaBytes = await bytesGenerator.GenerateAsync(inputs, null, TestContext.Current.CancellationToken);
        var viaBase64 = await base64Generator.GenerateAsync(inputs, null, TestContext.Current.CancellationToken);

        var requests = handler.Requests;
        Assert.Equal(["/version", "/v1/embeddings", "/v1/embeddings"], requests.Select(r => r.Path));
        Assert.Equal("bytes", requests[1].Json.GetProperty("encoding_format").GetString());
        Assert.False(requests[1].Json.TryGetProperty("embed_dtype", out _));
        Assert.Equal("base64", requests[2].Json.GetProperty("encoding_format").GetString());
        Assert.Equal(viaBase64.Select(e => Bits(e.Vector)), viaBytes.Select(e => Bits(e.Vector)));
        Assert.Equal(inputs.Select(i => Bits(FakeEmbeddings.VectorFor(i))), viaBytes.Select(e => Bits(e.Vector)));
        Assert.Equal(3, viaBytes.Usage!.InputTokenCount);
        Assert.Equal("fake-embed", viaBytes[0].ModelId);
    }

    [Theory]
    [InlineData(VllmEmbedDType.Float16, "float16")]
    [InlineData(VllmEmbedDType.BFloat16, "bfloat16")]
    public async Task GenerateAsync_BytesWithHalfPrecision_SendsEmbedDTypeAndDecodes(VllmEmbedDType dtype, string wire)
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { Encoding = VllmEmbeddingEncoding.Bytes, EmbedDType = dtype }, handler.CreateClient());

        var result = await generator.GenerateAsync(["t5", "t9"], null, TestContext.Current.CancellationToken);

        var body = handler.Requests[^1].Json;
        Assert.Equal(wire, body.GetProperty("embed_dtype").GetString());
        Assert.Equal(FakeEmbeddings.VectorFor("t5"), result[0].Vector.ToArray());
        Assert.Equal(FakeEmbeddings.VectorFor("t9"), result[1].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_Base64WithFloat16_DecodesHalfValues()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());

        var result = await generator.GenerateAsync(["t3"], new EmbeddingGenerationOptions().WithEmbedDType(VllmEmbedDType.Float16), TestContext.Current.CancellationToken);

        Assert.Equal("float16", handler.Requests[0].Json.GetProperty("embed_dtype").GetString());
        Assert.Equal(FakeEmbeddings.VectorFor("t3"), result[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_BytesOnServerOlderThan0111_FallsBackToBase64()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder(version: "0.10.2"));
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { Encoding = VllmEmbeddingEncoding.Bytes }, handler.CreateClient());

        var first = await generator.GenerateAsync(["t1"], null, TestContext.Current.CancellationToken);
        await generator.GenerateAsync(["t2"], null, TestContext.Current.CancellationToken);

        Assert.Equal(["/version", "/v1/embeddings", "/v1/embeddings"], handler.Requests.Select(r => r.Path));
        Assert.All(handler.Requests.Skip(1), r => Assert.Equal("base64", r.Json.GetProperty("encoding_format").GetString()));
        Assert.Equal(FakeEmbeddings.VectorFor("t1"), first[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_BytesOnServerReportingVPrefixedOldVersion_FallsBackToBase64()
    {
        // The bytes decision reads /version through the one parser (VllmServerInfo), which reads "v0.10.2" as 0.10.2;
        // the generator's own parser read it as unknown and sent bytes to a server that cannot answer them.
        var handler = new InMemoryHandler(FakeEmbeddings.Responder(version: "v0.10.2"));
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { Encoding = VllmEmbeddingEncoding.Bytes }, handler.CreateClient());

        var result = await generator.GenerateAsync(["t1"], null, TestContext.Current.CancellationToken);

        Assert.Equal(["/version", "/v1/embeddings"], handler.Requests.Select(r => r.Path));
        Assert.Equal("base64", handler.Requests[1].Json.GetProperty("encoding_format").GetString());
        Assert.Equal(FakeEmbeddings.VectorFor("t1"), result[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_BytesWhenVersionUnknown_AllowsBytes()
    {
        var handler = new InMemoryHandler(r => r.Path == "/version" ? InMemoryHandler.Json("""{"detail":"Not Found"}""", HttpStatusCode.NotFound) : FakeEmbeddings.Responder()(r));
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { Encoding = VllmEmbeddingEncoding.Bytes }, handler.CreateClient());

        var result = await generator.GenerateAsync(["t4"], null, TestContext.Current.CancellationToken);

        Assert.Equal("bytes", handler.Requests[1].Json.GetProperty("encoding_format").GetString());
        Assert.Equal(FakeEmbeddings.VectorFor("t4"), result[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_ManyInputs_BatchesKeepInputOrderAndSumUsage()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { MaxBatchSize = 3, MaxParallelRequests = 2 }, handler.CreateClient());
        var inputs = Enumerable.Range(0, 10).Select(i => $"t{i}").ToArray();

        var result = await generator.GenerateAsync(inputs, null, TestContext.Current.CancellationToken);

        var sizes = handler.Requests.Select(r => r.Json.GetProperty("input").GetArrayLength()).Order().ToArray();
        Assert.Equal([1, 3, 3, 3], sizes);
        var sent = handler.Requests.SelectMany(r => r.Json.GetProperty("input").EnumerateArray().Select(i => i.GetString())).Order().ToArray();
        Assert.Equal(inputs.Order(), sent);
        Assert.Equal(inputs.Select(i => FakeEmbeddings.VectorFor(i)), result.Select(e => e.Vector.ToArray()));
        Assert.Equal(10, result.Usage!.InputTokenCount);
        Assert.Equal(10, result.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_VllmExtras_SentTypedUnderWireNamesAndNormalizeBecomesUseActivation()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        var options = new EmbeddingGenerationOptions { ModelId = "vllm/other" }
            .WithTruncatePromptTokens(128)
            .WithTruncationSide(keepEnd: true)
            .WithPriority(-1)
            .WithAddSpecialTokens(false)
            .WithCacheSalt("salt")
            .WithRequestId("req-1")
            .WithMmProcessorKwargs(new Dictionary<string, object?> { ["num_crops"] = 4 });
        options.AdditionalProperties!["normalize"] = true;
        options.AdditionalProperties["unrelated"] = "not sent";

        await generator.GenerateAsync(["t1"], options, TestContext.Current.CancellationToken);

        var body = handler.Requests[0].Json;
        Assert.Equal("other", body.GetProperty("model").GetString());
        Assert.Equal(128, body.GetProperty("truncate_prompt_tokens").GetInt32());
        Assert.Equal("left", body.GetProperty("truncation_side").GetString());
        Assert.Equal(-1, body.GetProperty("priority").GetInt32());
        Assert.False(body.GetProperty("add_special_tokens").GetBoolean());
        Assert.Equal("salt", body.GetProperty("cache_salt").GetString());
        Assert.Equal("req-1", body.GetProperty("request_id").GetString());
        Assert.Equal(4, body.GetProperty("mm_processor_kwargs").GetProperty("num_crops").GetInt32());
        Assert.True(body.GetProperty("use_activation").GetBoolean());
        Assert.False(body.TryGetProperty("normalize", out _));
        Assert.False(body.TryGetProperty("unrelated", out _));
    }

#pragma warning disable SCME0001 // JsonPatch is the SDK's documented way to add a field its model does not have.
    [Fact]
    public async Task GenerateAsync_RawRepresentationFactory_ItsFieldsWinAndANewFieldIsSent()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { DefaultModelId = "m", Encoding = VllmEmbeddingEncoding.Float }, handler.CreateClient());
        IEmbeddingGenerator? seen = null;
        var options = new EmbeddingGenerationOptions
        {
            Dimensions = 64,
            RawRepresentationFactory = g =>
            {
                seen = g;
                var raw = new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 16, EndUserId = "user-7" };
                raw.Patch.Set("$.priority"u8, 3);
                raw.Patch.Set("$.some_new_vllm_field"u8, true);
                return raw;
            },
        }.WithPriority(-1).WithCacheSalt("salt");

        await generator.GenerateAsync(["t1"], options, TestContext.Current.CancellationToken);

        Assert.Same(generator, seen);
        var body = handler.Requests[0].Json;
        Assert.Equal(["t1"], body.GetProperty("input").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("m", body.GetProperty("model").GetString());
        Assert.Equal("float", body.GetProperty("encoding_format").GetString());
        Assert.Equal(16, body.GetProperty("dimensions").GetInt32());
        Assert.Equal(3, body.GetProperty("priority").GetInt32());
        Assert.Equal("salt", body.GetProperty("cache_salt").GetString());
        Assert.Equal("user-7", body.GetProperty("user").GetString());
        Assert.True(body.GetProperty("some_new_vllm_field").GetBoolean());
    }

    [Fact]
    public async Task GenerateAsync_RawRepresentationFactoryEncodingAndBadPriority_ReadLikeTheExtras()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        var float32 = new EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ =>
            {
                var raw = new OpenAI.Embeddings.EmbeddingGenerationOptions();
                raw.Patch.Set("$.encoding_format"u8, "float");
                raw.Patch.Set("$.normalize"u8, false);
                return raw;
            },
        };
        var badPriority = new EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ =>
            {
                var raw = new OpenAI.Embeddings.EmbeddingGenerationOptions();
                raw.Patch.Set("$.priority"u8, "high");
                return raw;
            },
        };

        var result = await generator.GenerateAsync(["t1"], float32, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["t1"], badPriority, TestContext.Current.CancellationToken));

        var body = Assert.Single(handler.Requests).Json;
        Assert.Equal("float", body.GetProperty("encoding_format").GetString());
        Assert.False(body.GetProperty("use_activation").GetBoolean());
        Assert.False(body.TryGetProperty("normalize", out _));
        Assert.NotEmpty(result[0].Vector.ToArray());
    }
#pragma warning restore SCME0001

    [Fact]
    public async Task GenerateAsync_NormalizeContradictsUseActivation_ThrowsBeforeSending()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        var options = new EmbeddingGenerationOptions().WithUseActivation(false);
        options.AdditionalProperties!["normalize"] = true;

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["t1"], options, TestContext.Current.CancellationToken));

        Assert.Contains("use_activation", ex.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("base64", "bfloat16")]
    [InlineData("bytes", "float16")]
    public async Task GenerateAsync_EncodingAndDTypeAsWireNames_SendsThemAndDecodes(string encoding, string dtype)
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["encoding_format"] = encoding, ["embed_dtype"] = dtype } };

        var result = await generator.GenerateAsync(["t5"], options, TestContext.Current.CancellationToken);

        var body = handler.Requests[^1].Json;
        Assert.Equal(encoding, body.GetProperty("encoding_format").GetString());
        Assert.Equal(dtype, body.GetProperty("embed_dtype").GetString());
        Assert.Equal(FakeEmbeddings.VectorFor("t5"), result[0].Vector.ToArray());
    }

    [Theory]
    [InlineData("embed_dtype", "fp8_e4m3", "embed_dtype \"fp8_e4m3\" cannot be decoded into float vectors here; use \"float32\", \"float16\" or \"bfloat16\".")]
    [InlineData("encoding_format", "bytes_only", "encoding_format \"bytes_only\" is not supported here; use \"base64\", \"bytes\" or \"float\"")]
    public async Task GenerateAsync_UnsupportedWireName_ThrowsClearArgumentExceptionBeforeSending(string key, string value, string message)
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [key] = value } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["t1"], options, TestContext.Current.CancellationToken));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal("options", ex.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsOnNonMatryoshkaModel_ThrowsWithVllmMessageAndHint()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-embeddings-dimensions.example.json"), HttpStatusCode.BadRequest);
        using var generator = new VllmEmbeddingGenerator(Options(), "BAAI/bge-m3", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 32 }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("Model 'BAAI/bge-m3' does not support Matryoshka embeddings; dimensions must be unset (received dimensions=32).", ex.ServerMessage);
        Assert.Contains("Dimensions", ex.Hint, StringComparison.Ordinal);
        Assert.Equal("BadRequestError", ex.ErrorType);
    }

    [Fact]
    public async Task GenerateAsync_UnknownModel_ThrowsVllmExceptionWithHint()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-model-not-found.example.json"), HttpStatusCode.NotFound);
        using var generator = new VllmEmbeddingGenerator(Options(), "gpt-4o", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["x"], null, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("/v1/models", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ConnectionRefused_ThrowsVllmException()
    {
        var options = Options();
        options.BaseUrl = new Uri("http://127.0.0.1:1/v1");
        options.ConnectTimeout = TimeSpan.FromSeconds(5);
        using var generator = new VllmEmbeddingGenerator(options, "m");

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["x"], null, TestContext.Current.CancellationToken));

        Assert.Null(ex.StatusCode);
        Assert.Contains("127.0.0.1:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_BytesBodyCutShort_ThrowsInsteadOfReturningPartialVectors()
    {
        var handler = new InMemoryHandler(r =>
        {
            if (r.Path == "/version")
            {
                return InMemoryHandler.Json("""{"version":"0.27.1"}""");
            }

            var response = InMemoryHandler.Bytes(new byte[40], "application/octet-stream", declareLength: false); // the header promises 2 × 32 bytes
            response.Headers.TryAddWithoutValidation("metadata", """{"id":"e","created":1,"model":"m","data":[{"index":0,"embed_dtype":"float32","endianness":"little","start":0,"end":32,"shape":[8]},{"index":1,"embed_dtype":"float32","endianness":"little","start":32,"end":64,"shape":[8]}],"usage":{"prompt_tokens":2,"total_tokens":2}}""");
            return response;
        });
        using var generator = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { Encoding = VllmEmbeddingEncoding.Bytes }, handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["t1", "t2"], null, TestContext.Current.CancellationToken));

        Assert.Contains("ended before every vector", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data":[{"index":0,"embedding":"AAAAAA=="}]}""", "no embedding for input 1")]
    [InlineData("""{"data":[{"index":5,"embedding":"AAAAAA=="}]}""", "index 5")]
    [InlineData("""{"data":[{"index":0,"embedding":"AAA"}]}""", "multiple of 4")]
    [InlineData("""{"data":[{"index":0,"embedding":[1,2""", "not valid JSON")]
    public async Task GenerateAsync_MalformedAnswer_ThrowsVllmException(string body, string expected)
    {
        var handler = InMemoryHandler.Answering(body);
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => generator.GenerateAsync(["t1", "t2"], null, TestContext.Current.CancellationToken));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NoInputs_ReturnsEmptyWithoutCalling()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var generator = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());

        var result = await generator.GenerateAsync([], null, TestContext.Current.CancellationToken);

        Assert.Empty(result);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetService_Metadata_AnswersVllmBaseUrlModelAndDimensions()
    {
        var handler = new InMemoryHandler(FakeEmbeddings.Responder());
        using var configured = new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { DefaultModelId = "vllm/org/model", Dimensions = 256 }, handler.CreateClient());
        using var learned = new VllmEmbeddingGenerator(Options(), "m", handler.CreateClient());

        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(configured.GetService(typeof(EmbeddingGeneratorMetadata)));
        var before = learned.GetService<EmbeddingGeneratorMetadata>()!;
        await learned.GenerateAsync(["t1"], null, TestContext.Current.CancellationToken);
        var after = learned.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1"), metadata.ProviderUri);
        Assert.Equal("org/model", metadata.DefaultModelId);
        Assert.Equal(256, metadata.DefaultModelDimensions);
        Assert.Null(before.DefaultModelDimensions);
        Assert.Equal(FakeEmbeddings.Dimensions, after.DefaultModelDimensions);
        Assert.Same(configured, configured.GetService(typeof(VllmEmbeddingGenerator)));
        Assert.NotNull(configured.GetService(typeof(OpenAI.Embeddings.EmbeddingClient)));
        Assert.Null(configured.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
        Assert.Null(configured.GetService(typeof(string)));
    }

    [Fact]
    public async Task Guards_InvalidArguments_ThrowWithParamName()
    {
        using var generator = new VllmEmbeddingGenerator(Options(), "m", new InMemoryHandler(FakeEmbeddings.Responder()).CreateClient());
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmEmbeddingGenerator(null!)).ParamName);
        Assert.Equal("generatorOptions", Assert.Throws<ArgumentNullException>(() => new VllmEmbeddingGenerator(Options(), (VllmEmbeddingGeneratorOptions)null!, null)).ParamName);
        Assert.Equal("generatorOptions", Assert.Throws<ArgumentOutOfRangeException>(() => new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { MaxBatchSize = 0 }, null)).ParamName);
        Assert.Equal("defaultModelId", Assert.Throws<ArgumentException>(() => new VllmEmbeddingGenerator(Options(), "")).ParamName);
        Assert.Equal("defaultModelId", Assert.Throws<ArgumentException>(() => new VllmEmbeddingGenerator(Options(), " ")).ParamName);
        var blank = Assert.Throws<ArgumentException>(() => new VllmEmbeddingGenerator(Options(), new VllmEmbeddingGeneratorOptions { DefaultModelId = " " }, null));
        Assert.Equal("generatorOptions", blank.ParamName);
        Assert.Contains("DefaultModelId", blank.Message, StringComparison.Ordinal);
        Assert.Equal("values", (await Assert.ThrowsAsync<ArgumentNullException>(() => generator.GenerateAsync(null!, null, ct))).ParamName);
        Assert.Equal("values", (await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", null!], null, ct))).ParamName);
        Assert.Equal("serviceType", Assert.Throws<ArgumentNullException>(() => generator.GetService(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => VllmEmbeddingGenerationOptionsExtensions.WithPriority(null!, 1)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingGenerationOptions().WithTruncatePromptTokens(-2)).ParamName);
        Assert.Equal("salt", Assert.Throws<ArgumentException>(() => new EmbeddingGenerationOptions().WithCacheSalt("")).ParamName);
    }
}
