using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Tool definitions on the wire, tool calls back, MEAI function invocation, capability gates.</summary>
public sealed class VllmChatClientToolTests
{
    private static AIFunction StrictWeather() => AIFunctionFactory.Create(
        (string city) => $"sunny in {city}",
        new AIFunctionFactoryOptions { Name = "get_weather", AdditionalProperties = new System.Collections.Generic.Dictionary<string, object?> { ["strict"] = true } });

    private static AIFunction Weather() => AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather for a city.");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_ModelCallsTool_FunctionCallWithParsedArguments(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "What is the weather in Paris? Use get_weather.", new ChatOptions { Tools = [Weather()] }, stream);

        var call = Assert.Single(run.Response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.StartsWith("chatcmpl-tool-", call.CallId, StringComparison.Ordinal);
        Assert.Null(call.Exception);
        Assert.Equal(JsonValueKind.String, Assert.IsType<JsonElement>(call.Arguments!["city"]).ValueKind);
        Assert.Equal(ChatFinishReason.ToolCalls, run.Response.FinishReason);
        var tool = ChatTestHost.LastChatBody(server)["tools"]!.AsArray().Single()!;
        Assert.Equal("function", (string)tool["type"]!);
        Assert.Equal("get_weather", (string)tool["function"]!["name"]!);
        Assert.Equal("object", (string)tool["function"]!["parameters"]!["type"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_FunctionInvocationRoundTrip_ToolResultReachesTheModel(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var inner = ChatTestHost.Client(server);
        using var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();

        var run = await ChatTestHost.RunAsync(client, "What is the weather in Paris? Use get_weather.", new ChatOptions { Tools = [Weather()] }, stream);

        Assert.StartsWith("[test-model] tool result: ", run.Response.Text, StringComparison.Ordinal);
        Assert.Contains("sunny in Paris", run.Response.Text, StringComparison.Ordinal);
        var requests = ChatTestHost.ChatRequests(server);
        Assert.Equal(2, requests.Count);
        var messages = System.Text.Json.Nodes.JsonNode.Parse(requests[1].Body)!["messages"]!.AsArray();
        Assert.Equal("assistant", (string)messages[1]!["role"]!);
        Assert.Equal("tool", (string)messages[2]!["role"]!);
        Assert.Equal((string)messages[1]!["tool_calls"]![0]!["id"]!, (string)messages[2]!["tool_call_id"]!);
    }

    [Theory]
    [InlineData(false, "none")]
    [InlineData(true, "required")]
    [InlineData(false, "named")]
    [InlineData(true, "auto")]
    public async Task Tools_ToolMode_SentAsToolChoice(bool stream, string mode)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatToolMode toolMode = mode switch
        {
            "none" => ChatToolMode.None,
            "required" => ChatToolMode.RequireAny,
            "named" => ChatToolMode.RequireSpecific("get_weather"),
            _ => ChatToolMode.Auto,
        };

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = toolMode, AllowMultipleToolCalls = false }, stream);

        var body = ChatTestHost.LastChatBody(server);
        var expected = mode == "named" ? """{"type":"function","function":{"name":"get_weather"}}""" : $"\"{mode}\"";
        ChatTestHost.AssertJsonEqual(expected, body["tool_choice"]!);
        Assert.False((bool)body["parallel_tool_calls"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_ServerWithoutToolParser_VllmExceptionWithFlagsHint(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.EnableAutoToolChoice = false;
            o.ToolCallParser = null;
        });
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()] }, stream));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("--enable-auto-tool-choice --tool-call-parser", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_ModelDeclaresNoTools_NotSupportedBeforeSending(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "test-model", Tools = false }));

        await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()] }, stream));

        Assert.Empty(ChatTestHost.ChatRequests(server));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Images_ModelDeclaresTextOnly_NotSupportedBeforeSending(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "test-model", Input = ["text"] }));
        ChatMessage message = new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.RunAsync(client, [message], null, stream));

        Assert.Empty(ChatTestHost.ChatRequests(server));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Images_ModelUndeclared_PassedThroughAsImageUrl(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatMessage message = new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await ChatTestHost.RunAsync(client, [message], null, stream);

        var part = ChatTestHost.LastChatBody(server)["messages"]![0]!["content"]![1]!;
        Assert.Equal("image_url", (string)part["type"]!);
        Assert.Equal("data:image/png;base64,AQID", (string)part["image_url"]!["url"]!);
    }

    [Fact]
    public async Task Tools_StrictOnOldServer_StrictLeftOut()
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = "0.6.3");
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions { Tools = [StrictWeather()] };

        await ChatTestHost.RunAsync(client, "Hello", options, stream: false);

        Assert.False(ChatTestHost.LastChatBody(server)["tools"]![0]!["function"]!.AsObject().ContainsKey("strict"));
    }

    [Fact]
    public async Task Tools_StrictOnCurrentServer_StrictSent()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var options = new ChatOptions { Tools = [StrictWeather()] };

        await ChatTestHost.RunAsync(client, "Hello", options, stream: false);

        Assert.True((bool)ChatTestHost.LastChatBody(server)["tools"]![0]!["function"]!["strict"]!);
    }
}
