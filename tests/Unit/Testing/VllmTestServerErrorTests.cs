using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerErrorTests
{
    private static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(VllmTestServerOptions? options, string path, JsonNode body)
    {
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        using var response = await PostJsonAsync(client, path, body);
        return (response.StatusCode, await JsonAsync(response));
    }

    private static JsonObject Error(string message, string type, string? param, int code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } };

    [Fact]
    public async Task UnknownModel_Is404NotFoundErrorWithParamModel()
    {
        var (status, body) = await SendAsync(null, "/v1/chat/completions", TestServerHttp.Chat("hi", model: "gpt-4o"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Error("The model `gpt-4o` does not exist.", "NotFoundError", "model", 404).ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task ContextOverflow_Is400WithVllmsMaximumContextLengthMessage()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat("small", maxModelLen: 40));
        var request = TestServerHttp.Chat(string.Join(' ', System.Linq.Enumerable.Repeat("word", 30)), model: "small");
        request["max_tokens"] = 20;

        var (status, body) = await SendAsync(options, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body["error"]!;
        Assert.Equal("BadRequestError", Str(error["type"]));
        Assert.Equal("input_tokens", Str(error["param"]));
        Assert.Equal(400, Int(error["code"]));
        Assert.Equal(
            "This model's maximum context length is 40 tokens. However, you requested 20 output tokens and your prompt contains at least 21 input tokens, for a total of at least 41 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=21)",
            Str(error["message"]));
    }

    [Fact]
    public async Task MaxTokensAboveMaxModelLen_Is400WithVllmsMessage()
    {
        var request = TestServerHttp.Chat("hi");
        request["max_tokens"] = 10000;

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            Error("max_tokens=10000 cannot be greater than max_model_len=max_total_tokens=8192. Please request fewer output tokens. (parameter=max_tokens, value=10000)", "BadRequestError", "max_tokens", 400).ToJsonString(),
            body.ToJsonString());
    }

    [Fact]
    public async Task StreamOptionsWithoutStream_Is400()
    {
        var request = TestServerHttp.Chat("hi");
        request["stream_options"] = new JsonObject { ["include_usage"] = true };

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            Error("Stream options can only be defined when `stream=True`. (parameter=stream_options)", "BadRequestError", "stream_options", 400).ToJsonString(),
            body.ToJsonString());
    }

    [Fact]
    public async Task TemperatureOutOfRange_Is400WithSamplingMessage()
    {
        var request = TestServerHttp.Chat("hi");
        request["temperature"] = 3;

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            Error("temperature must be in [0, 2], got 3.0. (parameter=temperature, value=3.0)", "BadRequestError", "temperature", 400).ToJsonString(),
            body.ToJsonString());
    }

    [Fact]
    public async Task WrongType_Is400BadRequestWithBodyParam()
    {
        var request = TestServerHttp.Chat("hi");
        request["temperature"] = "hot";

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            Error("1 validation error:\n  {'type': 'float_parsing', 'loc': ('body', 'temperature'), 'msg': 'Input should be a valid number, unable to parse string as a number', 'input': 'hot'}", "Bad Request", "body.temperature", 400).ToJsonString(),
            body.ToJsonString());
    }

    [Fact]
    public async Task EmptyToolsArray_Is400()
    {
        var request = TestServerHttp.Chat("hi");
        request["tools"] = new JsonArray();

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body.tools", Str(body["error"]!["param"]));
    }

    [Fact]
    public async Task FiveStopStrings_Is400()
    {
        var request = TestServerHttp.Chat("hi");
        request["stop"] = new JsonArray("a", "b", "c", "d", "e");

        var (status, body) = await SendAsync(null, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body.stop", Str(body["error"]!["param"]));
        Assert.Equal("Bad Request", Str(body["error"]!["type"]));
    }

    [Fact]
    public async Task MissingMessages_Is400FieldRequired()
    {
        var (status, body) = await SendAsync(null, "/v1/chat/completions", new JsonObject { ["model"] = "test-model" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body.messages", Str(body["error"]!["param"]));
        Assert.Contains("'type': 'missing'", Str(body["error"]!["message"]), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongContentType_Is400NotUnsupportedMediaType()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        using var content = new StringContent(TestServerHttp.Chat("hi").ToJsonString(), Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync("v1/chat/completions", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            Error("1 validation error:\n  Unsupported Media Type: Only 'application/json' is allowed", "Bad Request", null, 400).ToJsonString(),
            (await JsonAsync(response)).ToJsonString());
    }

    [Fact]
    public async Task UnknownRoute_Is404FastApiDetail()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("v1/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"detail":"Not Found"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OldVersion_UsesFlatErrorBody()
    {
        var (status, body) = await SendAsync(new VllmTestServerOptions { ServerVersion = "0.10.0" }, "/v1/chat/completions", TestServerHttp.Chat("hi", model: "nope"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        var expected = JsonNode.Parse("""{"object":"error","message":"The model `nope` does not exist.","type":"NotFoundError","param":"model","code":404}""");
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
        Assert.Equal(Keys(expected!.AsObject()), Keys(body));
    }

    [Fact]
    public async Task InvalidJsonBody_Is400BadRequest()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad Request", Str((await JsonAsync(response))["error"]!["type"]));
    }

    [Theory]
    [InlineData("""{"model":"test-model","messages":["just a string"]}""", "body.messages.0")]
    [InlineData("""{"model":"test-model","messages":[{"content":"no role"}]}""", "body.messages.0.role")]
    public async Task MalformedMessage_Is400BadRequestNot500(string json, string param)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", json);
        var error = (await JsonAsync(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad Request", Str(error["type"]));
        Assert.Equal(param, Str(error["param"]));
    }

    [Fact]
    public async Task UnexpectedShape_Is400NotServerError()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":"not an object"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
