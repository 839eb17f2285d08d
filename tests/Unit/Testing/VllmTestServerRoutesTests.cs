using System;
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

public sealed class VllmTestServerRoutesTests
{
    [Fact]
    public async Task StartAsync_BaseUrl_IsLoopbackEndingInV1()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);

        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        Assert.EndsWith("/v1", server.BaseUrl.AbsolutePath, StringComparison.Ordinal);
        Assert.NotEqual(0, server.BaseUrl.Port);
    }

    [Fact]
    public async Task Models_ListsBaseModelsThenAdaptersWithVllmCardShape()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.LoraAdapter("sql-lora", "base"));
        options.Models.Add(VllmTestModel.Chat("base", maxModelLen: 4096));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await client.GetAsync("v1/models", Ct);
        var body = await JsonAsync(response);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var example = JsonNode.Parse(TestFiles.Read("models-response.example.json"))!.AsObject();

        Assert.Equal(Keys(example), Keys(body));
        var data = body["data"]!.AsArray();
        Assert.Equal(new[] { "base", "sql-lora" }, data.Select(d => Str(d!["id"])));
        Assert.Equal(Keys(example["data"]![0]!.AsObject()), Keys(data[0]!.AsObject()));
        Assert.Equal(Keys(example["data"]![0]!["permission"]![0]!.AsObject()), Keys(data[0]!["permission"]![0]!.AsObject()));
        Assert.Equal(4096, Int(data[0]!["max_model_len"]));
        Assert.True(IsNull(data[0]!.AsObject(), "parent"));
        Assert.Equal("base", Str(data[1]!["parent"]));
        Assert.True(IsNull(data[1]!.AsObject(), "max_model_len"));
        var created = data[0]!["created"]!.GetValue<long>();
        Assert.InRange(created, before, after);
    }

    [Fact]
    public async Task Health_Is200WithEmptyBody()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Version_ReportsTheEmulatedVersion()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ServerVersion = "0.11.1" }, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("version", Ct);

        Assert.Equal("""{"version":"0.11.1"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Load_ReportsServerLoad()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("load", Ct);

        Assert.Equal(0, Int((await JsonAsync(response))["server_load"]));
    }

    [Fact]
    public async Task Metrics_IsPrometheusTextWithVllmMetricNames()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        using (await PostJsonAsync(client, "/v1/chat/completions", Chat("count me")))
        {
        }

        using var response = await client.GetAsync("metrics", Ct);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var samples = lines.Where(l => !l.StartsWith('#')).ToDictionary(l => l[..l.IndexOf('{', StringComparison.Ordinal)], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("vllm:num_requests_running", samples.Keys);
        Assert.Contains("vllm:kv_cache_usage_perc", samples.Keys);
        Assert.True(samples["vllm:prompt_tokens_total"] > 0);
        Assert.True(samples["vllm:generation_tokens_total"] > 0);
    }

    [Fact]
    public async Task Tokenize_PromptForm_MatchesVllmShape()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var plain = await PostJsonAsync(client, "/tokenize", """{"model":"test-model","prompt":"Hello world!","add_special_tokens":false}""");
        using var withStrs = await PostJsonAsync(client, "/tokenize", """{"prompt":"Hello world!","add_special_tokens":false,"return_token_strs":true}""");
        var a = await JsonAsync(plain);
        var b = await JsonAsync(withStrs);

        Assert.Equal(new[] { "count", "max_model_len", "tokens", "token_strs" }, Keys(a));
        Assert.Equal(3, Int(a["count"]));
        Assert.Equal(8192, Int(a["max_model_len"]));
        Assert.True(IsNull(a, "token_strs"));
        Assert.Equal(new[] { "Hello", "Ġworld", "!" }, b["token_strs"]!.AsArray().Select(Str));
        Assert.Equal(a["tokens"]!.ToJsonString(), b["tokens"]!.ToJsonString());
    }

    [Fact]
    public async Task Detokenize_RoundTripsTokenize()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var tokenized = await PostJsonAsync(client, "/tokenize", """{"prompt":"Round trip, please.","add_special_tokens":false}""");
        var tokens = (await JsonAsync(tokenized))["tokens"]!.DeepClone();
        using var detokenized = await PostJsonAsync(client, "/detokenize", new JsonObject { ["tokens"] = tokens });

        Assert.Equal("""{"prompt":"Round trip, please."}""", await detokenized.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Tokenize_UnknownModel_Is404WithParamModel()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/tokenize", """{"model":"nope","prompt":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model", Str((await JsonAsync(response))["error"]!["param"]));
    }

    [Fact]
    public async Task WrongMethod_Is405Detail()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("v1/chat/completions", Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("DELETE", "v1/models")]
    [InlineData("GET", "tokenize")]
    [InlineData("PUT", "ping")]
    [InlineData("POST", "health")]
    [InlineData("GET", "v2/rerank")]
    public async Task WrongMethod_OnAnyRoute_Is405Detail(string method, string path)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Health_HeadRequest_Is405()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "health"), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("V1/models")]
    [InlineData("v1/models/")]
    [InlineData("health/")]
    [InlineData("Health")]
    [InlineData("v1/unknown")]
    public async Task KnownRoute_OtherSpelling_Is404DetailLikeFastApi(string path)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"detail":"Not Found"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Metrics_WithTrailingSlash_IsServedAsVllmMountsIt()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("metrics/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("vllm:num_requests_running", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_RecordMethodPathHeadersAndBody_AndResetClearsThem()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("record me");

        using (await PostJsonAsync(client, "/v1/chat/completions", request, r => r.Headers.Add("X-Team", "search")))
        {
        }

        var recorded = Assert.Single(server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("search", recorded.Headers["x-team"]);
        Assert.True(JsonNode.DeepEquals(request, JsonNode.Parse(recorded.Body)));
        Assert.Equal(200, recorded.StatusCode);
        server.Reset();
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("0.11.0", 32, false)]
    [InlineData("0.20.0", 16, false)]
    [InlineData("0.21.0", 16, true)]
    public async Task OldVersions_IdLengthAndFingerprint_FollowTheReleaseHistory(string version, int hexLength, bool fingerprint)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ServerVersion = version }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"));
        var body = await JsonAsync(response);

        Assert.Matches($"^chatcmpl-[0-9a-f]{{{hexLength}}}$", Str(body["id"]));
        Assert.Equal(fingerprint, body["system_fingerprint"] is not null);
    }

    [Fact]
    public async Task OldVersion_KeepsEmptyToolCallsArray()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ServerVersion = "0.20.0" }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"));

        Assert.Empty((await JsonAsync(response))["choices"]![0]!["message"]!["tool_calls"]!.AsArray());
    }

    [Fact]
    public async Task StartAsync_NegativePort_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => VllmTestServer.StartAsync(new VllmTestServerOptions { Port = -1 }, Ct));
    }
}
