using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerToolAndReasoningTests
{
    private static JsonObject WeatherRequest(bool stream)
    {
        var request = TestServerHttp.Chat("What's the weather like in Boston, MA? Use get_current_weather.", stream: stream);
        request["tools"] = new JsonArray(WeatherTool());
        if (stream)
        {
            request["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return request;
    }

    [Fact]
    public async Task ToolCall_NonStreaming_CallsTheNamedToolWithArgumentsFromTheMessage()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", WeatherRequest(stream: false));
        var body = await JsonAsync(response);
        var example = JsonNode.Parse(TestFiles.Read("chat-response-toolcall.example.json"))!.AsObject();
        var choice = body["choices"]![0]!;
        var message = choice["message"]!.AsObject();

        Assert.Equal(Keys(example["choices"]![0]!["message"]!.AsObject()), Keys(message));
        Assert.Null(message["content"]);
        Assert.Equal("tool_calls", Str(choice["finish_reason"]));
        var call = message["tool_calls"]![0]!;
        Assert.Matches("^chatcmpl-tool-[0-9a-f]{16}$", Str(call["id"]));
        Assert.Equal("function", Str(call["type"]));
        Assert.Equal("get_current_weather", Str(call["function"]!["name"]));
        var args = JsonNode.Parse(Str(call["function"]!["arguments"]))!;
        Assert.Equal("Boston, MA", Str(args["location"]));
        Assert.Equal("celsius", Str(args["unit"]));
    }

    [Fact]
    public async Task ToolCall_Streaming_SendsNameFirstThenArgumentFragmentsWithContentNull()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", WeatherRequest(stream: true));
        var chunks = await ChunksAsync(response);
        var example = TestDataSse("chat-stream-toolcall.example.sse");

        var first = chunks[1]["choices"]![0]!["delta"]!.AsObject();
        Assert.Equal(Keys(example[1]["choices"]![0]!["delta"]!.AsObject()), Keys(first));
        Assert.Null(first["content"]);
        var head = first["tool_calls"]![0]!.AsObject();
        Assert.Equal(Keys(example[1]["choices"]![0]!["delta"]!["tool_calls"]![0]!.AsObject()), Keys(head));
        Assert.Equal("get_current_weather", Str(head["function"]!["name"]));
        Assert.False(head["function"]!.AsObject().ContainsKey("arguments"));
        var fragments = chunks.Skip(2).TakeWhile(c => c["choices"]!.AsArray().Count > 0 && c["choices"]![0]!["finish_reason"] is null).ToList();
        Assert.All(fragments, c => Assert.Equal(Keys(example[2]["choices"]![0]!["delta"]!["tool_calls"]![0]!.AsObject()), Keys(c["choices"]![0]!["delta"]!["tool_calls"]![0]!.AsObject())));
        var arguments = string.Concat(fragments.Select(c => Str(c["choices"]![0]!["delta"]!["tool_calls"]![0]!["function"]!["arguments"])));
        Assert.Equal("Boston, MA", Str(JsonNode.Parse(arguments)!["location"]));
        var finish = chunks[^2]["choices"]![0]!;
        Assert.Equal("tool_calls", Str(finish["finish_reason"]));
        Assert.Empty(finish["delta"]!.AsObject());
    }

    [Fact]
    public async Task ToolCall_NamedToolChoice_FinishesWithStopAndFirstDeltaCarriesArguments()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var named = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_current_weather" } };
        var plain = TestServerHttp.Chat("no tool named here");
        plain["tools"] = new JsonArray(WeatherTool());
        plain["tool_choice"] = named.DeepClone();
        var streamed = TestServerHttp.Chat("no tool named here", stream: true);
        streamed["tools"] = new JsonArray(WeatherTool());
        streamed["tool_choice"] = named.DeepClone();

        using var r1 = await PostJsonAsync(client, "/v1/chat/completions", plain);
        using var r2 = await PostJsonAsync(client, "/v1/chat/completions", streamed);
        var choice = (await JsonAsync(r1))["choices"]![0]!;
        var chunks = await ChunksAsync(r2);

        Assert.Equal("stop", Str(choice["finish_reason"]));
        Assert.Equal("get_current_weather", Str(choice["message"]!["tool_calls"]![0]!["function"]!["name"]));
        var firstDelta = chunks[1]["choices"]![0]!["delta"]!.AsObject();
        Assert.False(firstDelta.ContainsKey("content"));
        Assert.True(firstDelta["tool_calls"]![0]!["function"]!.AsObject().ContainsKey("arguments"));
        Assert.Equal("stop", Str(chunks[^1]["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public async Task ToolCall_ParallelToolCallsFalse_ReturnsOnlyTheFirstCall()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var other = WeatherTool();
        other["function"]!["name"] = "get_time";
        var request = TestServerHttp.Chat("call get_current_weather and get_time for Paris");
        request["tools"] = new JsonArray(WeatherTool(), other);
        var single = request.DeepClone().AsObject();
        single["parallel_tool_calls"] = false;

        using var both = await PostJsonAsync(client, "/v1/chat/completions", request);
        using var one = await PostJsonAsync(client, "/v1/chat/completions", single);

        Assert.Equal(2, (await JsonAsync(both))["choices"]![0]!["message"]!["tool_calls"]!.AsArray().Count);
        Assert.Single((await JsonAsync(one))["choices"]![0]!["message"]!["tool_calls"]!.AsArray());
    }

    [Fact]
    public async Task ToolCall_StreamingTwoCalls_ReassembleToTheNonStreamingCalls()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var other = WeatherTool();
        other["function"]!["name"] = "get_time";
        var request = Chat("call get_current_weather and get_time for Paris");
        request["tools"] = new JsonArray(WeatherTool(), other);
        var streamed = request.DeepClone().AsObject();
        streamed["stream"] = true;

        using var plain = await PostJsonAsync(client, "/v1/chat/completions", request);
        using var stream = await PostJsonAsync(client, "/v1/chat/completions", streamed);
        var expected = (await JsonAsync(plain))["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
        var arrays = (await ChunksAsync(stream))
            .Where(c => c["choices"]!.AsArray().Count > 0 && c["choices"]![0]!["delta"]!["tool_calls"] is not null)
            .Select(c => c["choices"]![0]!["delta"]!["tool_calls"]!.AsArray())
            .ToList();
        var entries = arrays.SelectMany(a => a).ToList();

        // The second call's name and first fragment share one array (hermes does this too).
        Assert.Contains(arrays, a => a.Count == 2 && Int(a[0]!["index"]) == 1 && Int(a[1]!["index"]) == 1);

        var names = new System.Collections.Generic.Dictionary<int, string>();
        var args = new System.Collections.Generic.Dictionary<int, string>();
        foreach (var e in entries)
        {
            var index = Int(e!["index"]);
            if (e["function"]!["name"] is { } name)
            {
                names[index] = Str(name);
            }

            if (e["function"]!["arguments"] is { } fragment)
            {
                args[index] = (args.TryGetValue(index, out var sofar) ? sofar : string.Empty) + Str(fragment);
            }
        }

        Assert.Equal(expected.Count, names.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Str(expected[i]!["function"]!["name"]), names[i]);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Str(expected[i]!["function"]!["arguments"])), JsonNode.Parse(args[i])));
        }
    }

    private static JsonObject CityTool(string name) => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = name,
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } },
                ["required"] = new JsonArray("city"),
            },
        },
    };

    [Theory]
    [InlineData("Use get_weather: what is the weather in Paris?", "weather_get_weather")]
    [InlineData("Call GetWeather for Paris.", "WeatherPlugin_GetWeather")]
    [InlineData("Use get_weather: what is the weather in Paris?", "my_plugin_get_weather")]
    public async Task ToolCall_PromptNamesTheFunctionPartOfAPluginTool_CallsThePluginTool(string prompt, string toolName)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat(prompt);
        request["tools"] = new JsonArray(CityTool("other_tool"), CityTool(toolName));

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var choice = (await JsonAsync(response))["choices"]![0]!;

        Assert.Equal("tool_calls", Str(choice["finish_reason"]));
        var call = Assert.Single(choice["message"]!["tool_calls"]!.AsArray())!;
        Assert.Equal(toolName, Str(call["function"]!["name"]));
        Assert.Equal("Paris", Str(JsonNode.Parse(Str(call["function"]!["arguments"]))!["city"]));
    }

    [Theory]
    [InlineData("What is the weather in Paris?", "weather_get_weather")]
    [InlineData("Use forget_weather for Paris.", "weather_get_weather")]
    [InlineData("What is the weather in Paris?", "get_weather")]
    public async Task ToolCall_PromptHasOnlyAPlainWordOfTheToolName_AnswersWithoutAToolCall(string prompt, string toolName)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat(prompt);
        request["tools"] = new JsonArray(CityTool(toolName));

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var choice = (await JsonAsync(response))["choices"]![0]!;

        Assert.Equal("stop", Str(choice["finish_reason"]));
        Assert.Equal("[test-model] echo: " + prompt, Str(choice["message"]!["content"]));
    }

    [Fact]
    public async Task ToolCall_WithoutParserFlags_Is400AutoToolChoiceError()
    {
        var options = new VllmTestServerOptions { ToolCallParser = null, EnableAutoToolChoice = false };
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", WeatherRequest(stream: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            JsonNode.Parse("""{"error":{"message":"\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set","type":"BadRequestError","param":null,"code":400}}""")!.ToJsonString(),
            (await JsonAsync(response)).ToJsonString());
    }

    [Fact]
    public async Task Reasoning_NonStreaming_PutsReasoningOnTheMessage()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("9.11 or 9.8?", "thinker"));
        var message = (await JsonAsync(response))["choices"]![0]!["message"]!.AsObject();

        Assert.StartsWith("[test-model] reasoning", Str(message["reasoning"]));
        Assert.Equal("[test-model] echo: 9.11 or 9.8?", Str(message["content"]));
        Assert.False(message.ContainsKey("reasoning_content"));
    }

    [Fact]
    public async Task Reasoning_Streaming_SendsReasoningDeltasBeforeContent()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("hi", "thinker", stream: true));
        var deltas = (await ChunksAsync(response)).Skip(1).Select(c => c["choices"]![0]!["delta"]!.AsObject()).ToList();

        var reasoningCount = deltas.TakeWhile(d => d.ContainsKey("reasoning")).Count();
        Assert.True(reasoningCount > 1);
        Assert.All(deltas.Skip(reasoningCount), d => Assert.False(d.ContainsKey("reasoning")));
        Assert.Equal("[test-model] echo: hi", string.Concat(deltas.Where(d => d.ContainsKey("content")).Select(d => Str(d["content"]))));
    }

    [Fact]
    public async Task Reasoning_IncludeReasoningFalse_OmitsReasoningBothWays()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        var plain = TestServerHttp.Chat("hi", "thinker");
        plain["include_reasoning"] = false;
        var streamed = TestServerHttp.Chat("hi", "thinker", stream: true);
        streamed["include_reasoning"] = false;

        using var r1 = await PostJsonAsync(client, "/v1/chat/completions", plain);
        using var r2 = await PostJsonAsync(client, "/v1/chat/completions", streamed);

        Assert.True(IsNull((await JsonAsync(r1))["choices"]![0]!["message"]!.AsObject(), "reasoning"));
        Assert.All(await ChunksAsync(r2), c => Assert.DoesNotContain("reasoning", c.ToJsonString(), System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.10.0", false, true)]
    [InlineData("0.11.1", true, true)]
    [InlineData("0.15.1", true, true)]
    [InlineData("0.16.0", true, false)]
    [InlineData("0.27.1", true, false)]
    public async Task Reasoning_FieldNames_FollowTheEmulatedVersion(string version, bool reasoning, bool reasoningContent)
    {
        var options = new VllmTestServerOptions { ServerVersion = version };
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var r1 = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("hi", "thinker"));
        using var r2 = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("hi", "thinker", stream: true));
        var message = (await JsonAsync(r1))["choices"]![0]!["message"]!.AsObject();
        var firstDelta = (await ChunksAsync(r2))[1]["choices"]![0]!["delta"]!.AsObject();

        Assert.Equal(reasoning, message.ContainsKey("reasoning"));
        Assert.Equal(reasoningContent, message.ContainsKey("reasoning_content"));
        Assert.Equal(reasoning, firstDelta.ContainsKey("reasoning"));
        Assert.Equal(reasoningContent, firstDelta.ContainsKey("reasoning_content"));
    }

    [Fact]
    public async Task Reasoning_ReasoningFieldOverride_WinsOverVersion()
    {
        var options = new VllmTestServerOptions { ReasoningField = VllmReasoningField.ReasoningContent };
        options.Models.Add(VllmTestModel.Reasoning("thinker"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("hi", "thinker"));
        var message = (await JsonAsync(response))["choices"]![0]!["message"]!.AsObject();

        Assert.False(message.ContainsKey("reasoning"));
        Assert.StartsWith("[test-model] reasoning", Str(message["reasoning_content"]));
    }

    [Fact]
    public async Task StructuredOutput_JsonSchema_ReturnsAValidInstance()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("give me a person");
        request["response_format"] = JsonNode.Parse("""
            {"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18},"tags":{"type":"array","items":{"type":"string"},"minItems":1}},"required":["name","age","tags"]}}}
            """);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var content = JsonNode.Parse(Str((await JsonAsync(response))["choices"]![0]!["message"]!["content"]))!;

        Assert.Equal(System.Text.Json.JsonValueKind.String, JsonValueKindOf(content["name"]));
        Assert.Equal(18, Int(content["age"]));
        Assert.Single(content["tags"]!.AsArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StructuredOutput_SchemaWithRefs_ResolvesDefinitions(bool stream)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("an order", stream: stream);
        request["response_format"] = JsonNode.Parse("""
            {"type":"json_schema","json_schema":{"name":"order","schema":{"type":"object","properties":{"item":{"$ref":"#/$defs/Item"}},"$defs":{"Item":{"type":"object","properties":{"sku":{"type":"string","enum":["A-1"]},"qty":{"type":"integer","minimum":1}}}}}}}
            """);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var text = stream
            ? string.Concat((await ChunksAsync(response)).Where(c => c["choices"]!.AsArray().Count > 0).Select(c => (string?)c["choices"]![0]!["delta"]!["content"] ?? string.Empty))
            : Str((await JsonAsync(response))["choices"]![0]!["message"]!["content"]);
        var content = JsonNode.Parse(text)!;

        Assert.Equal("A-1", Str(content["item"]!["sku"]));
        Assert.Equal(1, Int(content["item"]!["qty"]));
    }

    [Fact]
    public async Task StructuredOutput_Choice_ReturnsTheFirstChoice()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("positive or negative?");
        request["structured_outputs"] = new JsonObject { ["choice"] = new JsonArray("positive", "negative") };

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal("positive", Str((await JsonAsync(response))["choices"]![0]!["message"]!["content"]));
    }

    private static System.Text.Json.JsonValueKind JsonValueKindOf(JsonNode? node) => node!.GetValueKind();
}
