using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerStrictModeTests : IClassFixture<ServerPerVersionFixture>
{
    private readonly ServerPerVersionFixture _servers;

    public VllmTestServerStrictModeTests(ServerPerVersionFixture servers)
    {
        _servers = servers;
    }

    private static readonly JsonObject ChatFieldLists = JsonNode.Parse(TestFiles.Read("chat-request-fields.json"))!.AsObject();
    private static readonly JsonObject EmbeddingFieldLists = JsonNode.Parse(TestFiles.Read("embedding-request-fields.json"))!.AsObject();

    /// <summary>A value for each field that passes vLLM's own checks (null where any value would need server flags).</summary>
    private static readonly Dictionary<string, JsonNode?> Samples = new()
    {
        ["frequency_penalty"] = 0.5,
        ["logit_bias"] = new JsonObject { ["100"] = 1 },
        ["logprobs"] = true,
        ["top_logprobs"] = 2,
        ["max_tokens"] = 50,
        ["max_completion_tokens"] = 50,
        ["n"] = 1,
        ["presence_penalty"] = 0.1,
        ["response_format"] = new JsonObject { ["type"] = "json_object" },
        ["seed"] = 42,
        ["stop"] = new JsonArray("zzz"),
        ["stream"] = false,
        ["temperature"] = 0.7,
        ["top_p"] = 0.9,
        ["tool_choice"] = "none",
        ["reasoning_effort"] = "low",
        ["parallel_tool_calls"] = true,
        ["user"] = "someone",
        ["top_k"] = 5,
        ["min_p"] = 0.1,
        ["repetition_penalty"] = 1.1,
        ["include_reasoning"] = true,
        ["echo"] = false,
        ["add_generation_prompt"] = true,
        ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false },
        ["priority"] = 0,
        ["request_id"] = "abc",
        ["cache_salt"] = "salt",
        ["stop_token_ids"] = new JsonArray(1, 2),
        ["bad_words"] = new JsonArray("bad"),
        ["structured_outputs"] = new JsonObject { ["choice"] = new JsonArray("a", "b") },
        ["guided_json"] = new JsonObject { ["type"] = "object" },
        ["guided_choice"] = new JsonArray("a", "b"),
        ["guided_regex"] = "a+",
        ["best_of"] = 1,
        ["vllm_xargs"] = new JsonObject { ["k"] = "v" },
    };

    public static TheoryData<string, string> ChatFieldsByVersion()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in new[] { "0.10.2", "0.11.0", "0.12.0", "0.16.0", "0.20.0", "0.27.1" })
        {
            foreach (var group in new[] { "openai", "vllm_extra", "structured_outputs", "removed_now_ignored" })
            {
                foreach (var field in ChatFieldLists[group]!.AsArray())
                {
                    data.Add(version, Str(field));
                }
            }
        }

        return data;
    }

    /// <summary>The reference's release history (§13), restated here independently of the server.</summary>
    private static bool Accepted(string version, string field)
    {
        var v = System.Version.Parse(version);
        bool InGroup(string group) => ChatFieldLists[group]!.AsArray().Any(f => Str(f) == field);
        if (field == "structured_outputs")
        {
            return v >= new System.Version(0, 11, 0);
        }

        if (field == "return_prompt_text")
        {
            return v >= new System.Version(0, 21, 0);
        }

        if (field == "logits_processors")
        {
            return v < new System.Version(0, 17, 0);
        }

        if (InGroup("removed_now_ignored"))
        {
            return v < new System.Version(0, 12, 0);
        }

        return InGroup("openai") || InGroup("vllm_extra");
    }

    [Theory]
    [MemberData(nameof(ChatFieldsByVersion))]
    public async Task Strict_ChatField_AcceptedExactlyWhenTheEmulatedVersionDeclaresIt(string version, string field)
    {
        var server = await _servers.GetAsync(version);
        using var client = Client(server);
        var request = TestServerHttp.Chat("strict check");
        if (field is not ("messages" or "model"))
        {
            request[field] = Samples.TryGetValue(field, out var sample) ? sample?.DeepClone() : null;
        }

        if (field == "stream_options")
        {
            request["stream"] = true;
            request[field] = new JsonObject { ["include_usage"] = true };
        }

        if (field == "tools")
        {
            request[field] = new JsonArray(WeatherTool());
        }

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        if (Accepted(version, field))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await JsonAsync(response))["error"] ?? await JsonAsync(response);
            Assert.Equal(field, Str(error["param"]));
        }
    }

    [Fact]
    public async Task Strict_UnknownChatField_Is400NamingTheField()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        request["service_tier"] = "auto";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var error = (await JsonAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("service_tier", Str(error["param"]));
        Assert.Equal("BadRequestError", Str(error["type"]));
        Assert.Equal(400, Int(error["code"]));
    }

    [Fact]
    public async Task NonStrict_UnknownAndRemovedFields_AreIgnoredLikeVllm()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = false }, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        request["service_tier"] = "auto";
        request["guided_json"] = new JsonObject { ["type"] = "object" };
        request["stream_options"] = null;

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[test-model] echo: hi", Str((await JsonAsync(response))["choices"]![0]!["message"]!["content"]));
    }

    private const string LowMediumHigh = "'low', 'medium' or 'high'";
    private const string NoneLowMediumHigh = "'none', 'low', 'medium' or 'high'";
    private const string AllSeven = "'none', 'minimal', 'low', 'medium', 'high', 'xhigh' or 'max'";

    /// <summary>reasoning_effort literals: low/medium/high since v0.10.1, none since v0.18.0, minimal/xhigh/max since v0.21.0.</summary>
    [Theory]
    [InlineData("0.10.1", "low", null)]
    [InlineData("0.10.1", "high", null)]
    [InlineData("0.10.1", "none", LowMediumHigh)]
    [InlineData("0.17.1", "none", LowMediumHigh)]
    [InlineData("0.17.1", "minimal", LowMediumHigh)]
    [InlineData("0.17.1", "xhigh", LowMediumHigh)]
    [InlineData("0.18.0", "none", null)]
    [InlineData("0.18.0", "medium", null)]
    [InlineData("0.18.0", "minimal", NoneLowMediumHigh)]
    [InlineData("0.20.2", "xhigh", NoneLowMediumHigh)]
    [InlineData("0.20.2", "max", NoneLowMediumHigh)]
    [InlineData("0.21.0", "minimal", null)]
    [InlineData("0.21.0", "xhigh", null)]
    [InlineData("0.21.0", "max", null)]
    [InlineData("0.27.1", "none", null)]
    [InlineData("0.27.1", "extreme", AllSeven)]
    public async Task ReasoningEffort_ValueByEmulatedVersion_AcceptedOrLiteralError400(string version, string effort, string? expected)
    {
        var server = await _servers.GetAsync(version);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        request["reasoning_effort"] = effort;

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        if (expected is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal(
            $"1 validation error:\n  {{'type': 'literal_error', 'loc': ('body', 'reasoning_effort'), 'msg': 'Input should be {expected}', 'input': '{effort}'}}",
            Str(error["message"]));
        Assert.Equal("body.reasoning_effort", Str(error["param"]));
        Assert.Equal(400, Int(error["code"]));
    }

    [Theory]
    [InlineData("0.10.0", "reasoning_effort", false)]
    [InlineData("0.10.0", "include_reasoning", false)]
    [InlineData("0.10.1", "reasoning_effort", true)]
    [InlineData("0.10.1", "include_reasoning", true)]
    public async Task Strict_ReasoningField_AcceptedFrom0101(string version, string field, bool accepted)
    {
        var server = await _servers.GetAsync(version);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        request[field] = Samples[field]!.DeepClone();

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        if (!accepted)
        {
            var body = await JsonAsync(response);
            Assert.Equal(field, Str(body["param"])); // flat error body before 0.10.1
            Assert.StartsWith($"[strict test server] Request field `{field}` is not accepted by vLLM 0.10.0", Str(body["message"]), System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NonStrict_ReasoningFieldsBefore0101_IgnoredWhateverTheirValue()
    {
        var options = new VllmTestServerOptions { ServerVersion = "0.10.0", Strict = false };
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        var invalid = TestServerHttp.Chat("hi", "thinker");
        invalid["reasoning_effort"] = "extreme";
        invalid["include_reasoning"] = "sometimes";
        var off = TestServerHttp.Chat("hi", "thinker");
        off["reasoning_effort"] = "none";
        off["include_reasoning"] = false;

        using var r1 = await PostJsonAsync(client, "/v1/chat/completions", invalid);
        using var r2 = await PostJsonAsync(client, "/v1/chat/completions", off);

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        var message = (await JsonAsync(r2))["choices"]![0]!["message"]!;
        Assert.StartsWith("[test-model] reasoning:", Str(message["reasoning_content"]), System.StringComparison.Ordinal);
    }

    public static TheoryData<string, string> NestedViolations() => new()
    {
        { """{"stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false}}""", "stream_options.include_obfuscation" },
        { """{"messages":[{"role":"user","content":"hi","refusal":null}]}""", "messages[0].refusal" },
        { """{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"},"examples":[]}}],"tool_choice":"none"}""", "tools[0].function.examples" },
        { """{"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"},"extra":1}}}""", "response_format.json_schema.extra" },
        { """{"response_format":{"type":"json_object","schema":{}}}""", "response_format.schema" },
        { """{"structured_outputs":{"choice":["a"],"backend":"xgrammar"}}""", "structured_outputs.backend" },
    };

    [Theory]
    [InlineData("0.10.0", "reasoning_content", true)]
    [InlineData("0.10.0", "reasoning", false)]
    [InlineData("0.18.0", "reasoning_content", false)]
    [InlineData("0.18.0", "reasoning", false)]
    [InlineData("0.22.0", "reasoning_content", true)]
    [InlineData("0.22.0", "reasoning", true)]
    public async Task Strict_AssistantReasoningKey_AcceptedOnlyWhereVllmReadsIt(string version, string key, bool accepted)
    {
        var server = await _servers.GetAsync(version);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        request["messages"] = new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "hi" },
            new JsonObject { ["role"] = "assistant", ["content"] = "hello", [key] = "I should greet back." },
            new JsonObject { ["role"] = "user", ["content"] = "bye" });

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        if (!accepted)
        {
            var body = await JsonAsync(response);
            Assert.Equal($"messages[1].{key}", Str((body["error"] ?? body)["param"])); // flat error bodies before 0.10.1
        }
    }

    [Theory]
    [MemberData(nameof(NestedViolations))]
    public async Task Strict_NestedKeyVllmDoesNotKnow_Is400NamingIt(string patch, string param)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("hi");
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            request[key] = value?.DeepClone();
        }

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, Str((await JsonAsync(response))["error"]!["param"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ContentPartTypeFile_Is400InBothModesLikeVllm(bool strict)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = strict }, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("x");
        request["messages"]![0]!["content"] = JsonNode.Parse("""[{"type":"text","text":"read this"},{"type":"file","file":{"file_id":"f"}}]""");

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Unsupported chat content part type: 'file'.", Str((await JsonAsync(response))["error"]!["message"]), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StructuredOutputs_NoneOrTwoConstraints_Is400InBothModes(bool strict)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = strict }, Ct);
        using var client = Client(server);
        var none = TestServerHttp.Chat("x");
        none["structured_outputs"] = new JsonObject { ["disable_any_whitespace"] = true };
        var two = TestServerHttp.Chat("x");
        two["structured_outputs"] = new JsonObject { ["regex"] = "a", ["choice"] = new JsonArray("a") };

        using var r1 = await PostJsonAsync(client, "/v1/chat/completions", none);
        using var r2 = await PostJsonAsync(client, "/v1/chat/completions", two);

        Assert.Equal(HttpStatusCode.BadRequest, r1.StatusCode);
        Assert.StartsWith("You must use one kind of structured outputs constraint but none are specified", Str((await JsonAsync(r1))["error"]!["message"]), System.StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
    }

    public static TheoryData<string> EmbeddingFields()
    {
        var data = new TheoryData<string>();
        foreach (var group in new[] { "openai", "vllm_extra", "chat_form" })
        {
            foreach (var f in EmbeddingFieldLists[group]!.AsArray())
            {
                data.Add(Str(f));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EmbeddingFields))]
    public async Task Strict_EmbeddingField_IsAccepted(string field)
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Embedding("embedder", 16, supportsMatryoshka: true));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        var chatForm = EmbeddingFieldLists["chat_form"]!.AsArray().Any(f => Str(f) == field) && field != "add_special_tokens";
        var request = chatForm
            ? new JsonObject { ["model"] = "embedder", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }) }
            : new JsonObject { ["model"] = "embedder", ["input"] = "hello" };
        if (field is not ("input" or "model" or "messages"))
        {
            request[field] = field switch
            {
                "encoding_format" => "float",
                "dimensions" => 8,
                "embed_dtype" => "float32",
                "endianness" => "little",
                "use_activation" => true,
                "add_special_tokens" => true,
                "truncate_prompt_tokens" => 100,
                "user" or "request_id" or "cache_salt" => "x",
                _ => null,
            };
        }

        using var response = await PostJsonAsync(client, "/v1/embeddings", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Strict_UnknownEmbeddingField_Is400AndNormalizeIsRejectedAsVllmDoes()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Embedding("embedder", 16));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var unknown = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"a","pooling":"mean"}""");
        using var normalize = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","input":"a","normalize":true}""");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("pooling", Str((await JsonAsync(unknown))["error"]!["param"]));
        Assert.Equal(HttpStatusCode.BadRequest, normalize.StatusCode);
        var error = (await JsonAsync(normalize))["error"]!;
        Assert.Equal("Parameter `normalize` was removed; use `use_activation` instead.", Str(error["message"]));
        Assert.Equal("normalize", Str(error["param"]));
    }
}
