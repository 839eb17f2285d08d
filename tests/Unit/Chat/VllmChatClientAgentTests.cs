using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Answers that look successful but would derail an agent loop (issue 19): ids, finish reasons, required tools.</summary>
public sealed class VllmChatClientAgentTests
{
    private static VllmChatClient Create(InMemoryHandler handler, Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true };
        configure?.Invoke(options);
        return new(options, "m", new HttpClient(handler));
    }

    private static Task<ChatResponse> RunAsync(IChatClient client, ChatOptions? options, bool stream)
        => stream
            ? client.GetStreamingResponseAsync("Hi", options, TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken)
            : client.GetResponseAsync("Hi", options, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolCallWithoutId_GeneratedIdIsNineAlphanumerics(bool stream)
    {
        var call = stream
            ? "{'tool_calls':[{'index':0,'type':'function','function':{'name':'get_weather','arguments':'{}'}}]}"
            : "{'role':'assistant','content':null,'tool_calls':[{'type':'function','function':{'name':'get_weather','arguments':'{}'}}]}";
        using var client = Create(CannedServer.Choice(stream, call, "'finish_reason':'tool_calls'"));

        var response = await RunAsync(client, null, stream);

        var id = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).CallId;
        Assert.Matches("^[a-zA-Z0-9]{9}$", id);
    }

    private static AIFunction Weather() => AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather for a city.");

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public async Task RequireAny_ServerAnswersWithoutCall_VllmExceptionNamingParserFlags(bool stream, int? finishToolCalls)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall, finishToolCalls)));
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream));

        Assert.Contains("required a tool call (ToolMode RequireAny)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(finishToolCalls == 1 ? "finish reason tool_calls with an empty list" : "finish reason stop", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--enable-auto-tool-choice --tool-call-parser <parser>", ex.Hint, StringComparison.Ordinal);
        Assert.Equal("\"required\"", ChatTestHost.LastChatBody(server)["tool_choice"]!.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireSpecific_ServerAnswersWithoutCall_VllmExceptionNamingTheFunction(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall)));
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireSpecific("get_weather") }, stream));

        Assert.Contains("RequireSpecific(\"get_weather\")", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireAny_ServerCallsTool_NoException(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream);

        Assert.Single(run.Response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireAny_ServerBeforeRequired_SendsAutoAndHintNamesTheVersion(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.ServerVersion = "0.8.2";
            o.Faults.Add(new VllmTestFault(VllmTestFaultKind.NoToolCall));
        });
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.RequireAny }, stream));

        Assert.Equal("\"auto\"", ChatTestHost.LastChatBody(server)["tool_choice"]!.ToJsonString());
        Assert.Null(ex.StatusCode);
        Assert.Contains("vLLM 0.8.2, which predates tool_choice \"required\" (added in v0.8.3)", ex.Hint, StringComparison.Ordinal);
    }
}
