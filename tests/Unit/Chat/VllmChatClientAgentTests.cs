using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
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
}
