using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerPoolingTests
{
    private static VllmTestServerOptions Options()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat("chat"));
        options.Models.Add(VllmTestModel.Embedding("embedder", 64));
        options.Models.Add(new VllmTestModel("matryoshka") { IsEmbedding = true, EmbeddingDimensions = 64, SupportsMatryoshka = true, MatryoshkaDimensions = new[] { 16, 32, 64 } });
        options.Models.Add(VllmTestModel.Embedding("any-dims", 64, supportsMatryoshka: true));
        return options;
    }

    private static float[] Floats(JsonNode? embedding) => embedding!.AsArray().Select(x => (float)x!.GetValue<double>()).ToArray();

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    [Fact]
    public async Task Embeddings_Float_HasVllmShapeAndNormalisedVectors()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":["the cat sat","a dog ran"]}""");
        var body = await JsonAsync(response);
        var example = JsonNode.Parse(TestFiles.Read("embeddings-response.example.json"))!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Keys(example), Keys(body));
        Assert.Equal(Keys(example["data"]![0]!.AsObject()), Keys(body["data"]![0]!.AsObject()));
        Assert.Equal(Keys(example["usage"]!.AsObject()), Keys(body["usage"]!.AsObject()));
        Assert.Matches("^embd-[0-9a-f]{16}$", Str(body["id"]));
        Assert.Equal(0, Int(body["usage"]!["completion_tokens"]));
        Assert.True(IsNull(body["usage"]!.AsObject(), "prompt_tokens_details"));
        Assert.Equal(new[] { 0, 1 }, body["data"]!.AsArray().Select(d => Int(d!["index"])));
        var v = Floats(body["data"]![0]!["embedding"]);
        Assert.Equal(64, v.Length);
        Assert.Equal(1.0, Dot(v, v), 4);
    }

    [Fact]
    public async Task Embeddings_SimilarTexts_AreNearerThanUnrelatedOnes_AndRepeatable()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var r1 = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":["the cat sat on the mat","the cat sat on a mat","quarterly revenue grew strongly"]}""");
        using var r2 = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":["the cat sat on the mat"]}""");
        var data = (await JsonAsync(r1))["data"]!.AsArray();
        var again = Floats((await JsonAsync(r2))["data"]![0]!["embedding"]);

        var a = Floats(data[0]!["embedding"]);
        Assert.True(Dot(a, Floats(data[1]!["embedding"])) > Dot(a, Floats(data[2]!["embedding"])));
        Assert.Equal(a, again);
    }

    [Fact]
    public async Task Embeddings_Base64_IsLittleEndianFloat32OfTheFloatVector()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var f = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"hello world"}""");
        using var b = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"hello world","encoding_format":"base64"}""");
        var floats = Floats((await JsonAsync(f))["data"]![0]!["embedding"]);
        var bytes = Convert.FromBase64String(Str((await JsonAsync(b))["data"]![0]!["embedding"]));

        Assert.Equal(floats.Length * 4, bytes.Length);
        var decoded = Enumerable.Range(0, floats.Length).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(floats, decoded);
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("bfloat16")]
    public async Task Embeddings_HalfPrecisionBase64_IsTwoBytesPerValueAndClose(string dtype)
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var f = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"hello world"}""");
        using var b = await PostJsonAsync(client, "/v1/embeddings", $$"""{"model":"embedder","input":"hello world","encoding_format":"base64","embed_dtype":"{{dtype}}"}""");
        var floats = Floats((await JsonAsync(f))["data"]![0]!["embedding"]);
        var bytes = Convert.FromBase64String(Str((await JsonAsync(b))["data"]![0]!["embedding"]));

        Assert.Equal(floats.Length * 2, bytes.Length);
        for (var i = 0; i < floats.Length; i++)
        {
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2));
            var value = dtype == "float16" ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.UInt32BitsToSingle((uint)bits << 16);
            Assert.Equal(floats[i], value, 0.01f);
        }
    }

    [Fact]
    public async Task Embeddings_Bytes_IsOctetStreamWithMetadataHeader()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":["a","b"],"encoding_format":"bytes"}""");
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        var metadata = JsonNode.Parse(response.Headers.GetValues("metadata").Single())!;

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(2 * 64 * 4, body.Length);
        Assert.Equal(new[] { "id", "created", "model", "data", "usage" }, Keys(metadata.AsObject()));
        var second = metadata["data"]![1]!;
        Assert.Equal(256, Int(second["start"]));
        Assert.Equal(512, Int(second["end"]));
        Assert.Equal(64, Int(second["shape"]![0]));
        Assert.Equal("float32", Str(second["embed_dtype"]));
    }

    [Fact]
    public async Task Embeddings_BytesOnly_HasNoMetadataHeader()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"a","encoding_format":"bytes_only"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("metadata"));
        Assert.Equal(256, (await response.Content.ReadAsByteArrayAsync(Ct)).Length);
    }

    [Fact]
    public async Task Embeddings_DimensionsOnNonMatryoshkaModel_Is400WithVllmsMessage()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"a","dimensions":32}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var expected = JsonNode.Parse("""{"error":{"message":"Model 'embedder' does not support Matryoshka embeddings; dimensions must be unset (received dimensions=32).","type":"BadRequestError","param":null,"code":400}}""");
        Assert.True(JsonNode.DeepEquals(expected, await JsonAsync(response)));
    }

    [Theory]
    [InlineData("matryoshka", 20, "Model 'matryoshka' only supports Matryoshka dimensions [16, 32, 64], got 20.")]
    [InlineData("any-dims", 65, "Model 'any-dims' only supports dimensions in range [1, 64], got 65.")]
    public async Task Embeddings_UnsupportedDimensions_Is400(string model, int dims, string message)
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", $$"""{"model":"{{model}}","input":"a","dimensions":{{dims}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, Str((await JsonAsync(response))["error"]!["message"]));
    }

    [Fact]
    public async Task Embeddings_MatryoshkaDimensions_ReturnsThatManyNormalisedValues()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"matryoshka","input":"hello","dimensions":16}""");
        var v = Floats((await JsonAsync(response))["data"]![0]!["embedding"]);

        Assert.Equal(16, v.Length);
        Assert.Equal(1.0, Dot(v, v), 4);
    }

    [Fact]
    public async Task Embeddings_UnknownModel_Is404WithNullParam()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"nope","input":"a"}""");
        var error = (await JsonAsync(response))["error"]!.AsObject();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NotFoundError", Str(error["type"]));
        Assert.True(IsNull(error, "param"));
    }

    [Fact]
    public async Task ChatOnEmbeddingModel_And_EmbeddingsOnChatModel_Are404RouteNotFound()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var chat = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi", model: "embedder"));
        using var embed = await PostJsonAsync(client, "/v1/embeddings", """{"model":"chat","input":"a"}""");

        Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
        Assert.Equal("""{"detail":"Not Found"}""", await chat.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, embed.StatusCode);
    }

    [Fact]
    public async Task Score_PairsQueriesWithDocumentsAndRanksSimilarHigher()
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/score", """{"model":"embedder","queries":"cats on mats","documents":["cats sit on mats","stock markets fell"]}""");
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { "id", "object", "created", "model", "data", "usage" }, Keys(body));
        var data = body["data"]!.AsArray();
        Assert.Equal(new[] { "index", "object", "score" }, Keys(data[0]!.AsObject()));
        Assert.Equal("score", Str(data[0]!["object"]));
        Assert.True(data[0]!["score"]!.GetValue<double>() > data[1]!["score"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("/rerank")]
    [InlineData("/v1/rerank")]
    [InlineData("/v2/rerank")]
    public async Task Rerank_SortsByRelevanceAndHonoursTopN(string path)
    {
        await using var server = await VllmTestServer.StartAsync(Options(), Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, path, """{"model":"embedder","query":"green tea health","documents":["stock prices","green tea is healthy","weather today"],"top_n":2}""");
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { "id", "model", "usage", "results" }, Keys(body));
        var results = body["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(1, Int(results[0]!["index"]));
        Assert.Equal("green tea is healthy", Str(results[0]!["document"]!["text"]));
        Assert.Equal(new[] { "index", "document", "relevance_score" }, Keys(results[0]!.AsObject()));
    }
}
