using System;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerEdgeTests
{
    private static JsonObject RequiredToolRequest(bool stream)
    {
        var request = Chat("nothing named", stream: stream);
        request["tools"] = new JsonArray(WeatherTool());
        request["tool_choice"] = "required";
        return request;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequiredToolChoice_WithoutParserSince014_Is400(bool stream)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ToolCallParser = null }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", RequiredToolRequest(stream));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("tool_choice=\"required\" requires --tool-call-parser to be set", Str((await JsonAsync(response))["error"]!["message"]));
    }

    [Fact]
    public async Task RequiredToolChoice_WithoutParserBefore014_CallsTheFirstTool()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ToolCallParser = null, ServerVersion = "0.13.0" }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", RequiredToolRequest(stream: false));
        var choice = (await JsonAsync(response))["choices"]![0]!;

        Assert.Equal("tool_calls", Str(choice["finish_reason"]));
        Assert.Equal("get_current_weather", Str(choice["message"]!["tool_calls"]![0]!["function"]!["name"]));
    }

    [Fact]
    public async Task RequiredToolChoice_Streaming_EndsWithToolCallsFinish()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", RequiredToolRequest(stream: true));
        var chunks = await ChunksAsync(response);

        Assert.Equal("tool_calls", Str(chunks[^1]["choices"]![0]!["finish_reason"]));
        Assert.Equal("get_current_weather", Str(chunks[1]["choices"]![0]!["delta"]!["tool_calls"]![0]!["function"]!["name"]));
    }

    [Fact]
    public async Task ToolChoiceWithoutTools_Is400()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("hi");
        request["tool_choice"] = "auto";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("When using `tool_choice`, `tools` must be set.", Str((await JsonAsync(response))["error"]!["message"]));
    }

    [Fact]
    public async Task NamedToolChoiceForUnknownTool_Is400()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("hi");
        request["tools"] = new JsonArray(WeatherTool());
        request["tool_choice"] = JsonNode.Parse("""{"type":"function","function":{"name":"nope"}}""");

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The tool specified in `tool_choice` does not match", Str((await JsonAsync(response))["error"]!["message"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidReasoningEffort_Is400Validation()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("hi");
        request["reasoning_effort"] = "extreme";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body.reasoning_effort", Str((await JsonAsync(response))["error"]!["param"]));
    }

    [Fact]
    public async Task RequestChatTemplate_IsRefusedAsUntrusted()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = Chat("hi");
        request["chat_template"] = "{{ messages }}";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Chat template is passed with request, but --trust-request-chat-template is not set.", Str((await JsonAsync(response))["error"]!["message"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusFault_AppliesToModelsListing()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, 2, times: 1));

        using var first = await client.GetAsync("v1/models", Ct);
        using var second = await client.GetAsync("v1/models", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        server.ClearFaults();
    }

    [Fact]
    public async Task StatusFault_IsNotAppliedBeforeAuthentication()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = "k" }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"), r => r.Headers.Add(VllmTestFault.HeaderName, "429"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Embeddings_ChatForm_IsAccepted()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Embedding("embedder", 8));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"model":"embedder","messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8, (await JsonAsync(response))["data"]![0]!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task ModelOmitted_UsesTheFirstServedModel()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("test-model", Str((await JsonAsync(response))["model"]));
    }

    [Fact]
    public void VllmTestModel_NullId_ThrowsWithParamName()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new VllmTestModel(null!));
        Assert.Equal("id", ex.ParamName);
    }

    [Fact]
    public void LoraAdapter_NullParent_ThrowsWithParamName()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => VllmTestModel.LoraAdapter("a", null!));
        Assert.Equal("parent", ex.ParamName);
    }

    [Fact]
    public void VllmTestFault_TimesBelowOne_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new VllmTestFault(VllmTestFaultKind.InternalError, times: 0));
        Assert.Equal("times", ex.ParamName);
    }

    [Fact]
    public async Task AddFault_Null_ThrowsWithParamName()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);

        var ex = Assert.Throws<ArgumentNullException>(() => server.AddFault(null!));
        Assert.Equal("fault", ex.ParamName);
    }

    [Fact]
    public async Task UnknownFaultHeader_Is400SoTyposDoNotPassQuietly()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"), r => r.Headers.Add(VllmTestFault.HeaderName, "stal;2"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(VllmTestFault.HeaderName, Str((await JsonAsync(response))["error"]!["param"]));
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"x"}],"truncate_prompt_tokens":9000}""")]
    [InlineData("/v1/embeddings", """{"model":"embedder","input":"x","truncate_prompt_tokens":9000}""")]
    public async Task TruncatePromptTokensAboveMaxModelLen_Is400(string path, string body)
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat("test-model"));
        options.Models.Add(VllmTestModel.Embedding("embedder", 8));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("truncate_prompt_tokens value is greater than max_model_len.", Str((await JsonAsync(response))["error"]!["message"]), StringComparison.Ordinal);
    }
}
