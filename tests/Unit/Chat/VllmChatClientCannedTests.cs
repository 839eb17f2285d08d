using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>The client against byte-exact vLLM examples through an in-memory handler.</summary>
public sealed class VllmChatClientCannedTests
{
    private static VllmChatClient Create(InMemoryHandler handler, string model = "meta-llama/Llama-3.2-1B-Instruct")
        => new(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true }, "vllm/" + model, new HttpClient(handler));

    [Fact]
    public async Task GetResponseAsync_PlainAnswer_MapsTextUsageAndIds()
    {
        var handler = CannedServer.Handler("chat-response.example.json");
        using var client = Create(handler);

        var response = await client.GetResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi! How can I help you today?", response.Text);
        Assert.Equal("chatcmpl-9d719c7783a616b3", response.ResponseId);
        Assert.Equal("meta-llama/Llama-3.2-1B-Instruct", response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1786699800), response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(42, response.Usage!.InputTokenCount);
        Assert.Equal(10, response.Usage.OutputTokenCount);
        Assert.Equal(52, response.Usage.TotalTokenCount);
        Assert.Equal("vllm-0.27.1-a3b21f94", response.AdditionalProperties!["system_fingerprint"]);
        var request = Assert.Single(handler.Requests);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("meta-llama/Llama-3.2-1B-Instruct", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TextStream_TextAndExactlyOneUsage()
    {
        var handler = CannedServer.Handler("chat-stream-text.example.sse");
        using var client = Create(handler);

        var updates = await client.GetStreamingResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var response = updates.ToChatResponse();
        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(42, response.Usage!.InputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var body = JsonDocument.Parse(Assert.Single(handler.Requests).Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContinuousUsage_ExactlyOneUsageFromFinalChunk()
    {
        using var client = Create(CannedServer.Handler("chat-stream-continuous-usage.example.sse"));

        var updates = await client.GetStreamingResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(3, usage.Details.OutputTokenCount);
        Assert.Equal(45, usage.Details.TotalTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Reasoning_ReasoningBeforeText()
    {
        using var client = Create(CannedServer.Handler("chat-stream-reasoning.example.sse"), "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");

        var updates = await client.GetStreamingResponseAsync("9.11 and 9.8, which is greater?", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var contents = updates.SelectMany(u => u.Contents).Where(c => c is TextContent or TextReasoningContent).ToList();
        Assert.IsType<TextReasoningContent>(contents[0]);
        var firstText = contents.FindIndex(c => c is TextContent);
        Assert.True(firstText > 0);
        Assert.DoesNotContain(contents.Skip(firstText), c => c is TextReasoningContent);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCall_AssembledWithParsedArguments()
    {
        using var client = Create(CannedServer.Handler("chat-stream-toolcall.example.sse"), "Qwen/Qwen2.5-7B-Instruct");

        var updates = await client.GetStreamingResponseAsync("What's the weather like in Boston?", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_current_weather", call.Name);
        Assert.Equal("chatcmpl-tool-9c02cc71e5fb4980", call.CallId);
        Assert.Equal("Boston, MA", ((JsonElement)call.Arguments!["location"]!).GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TwoEntriesSameIndexAndNoIdOnLaterChunks_TwoCallsAssembled()
    {
        using var client = Create(CannedServer.Handler("chat-stream-toolcall-same-index.sse"), "m");

        var updates = await client.GetStreamingResponseAsync("Weather and time?", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal(["chatcmpl-tool-aaaaaaaaaaaaaaaa", "chatcmpl-tool-bbbbbbbbbbbbbbbb"], calls.Select(c => c.CallId));
        Assert.Equal("Paris", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Empty(calls[1].Arguments!);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ChoiceRoutedExperts_InAdditionalPropertiesStreamedAndNot(bool stream)
    {
        const string Head = "{'id':'chatcmpl-1','object':'OBJECT','created':1,'model':'m','choices':[{'index':0,";
        const string Usage = "'usage':{'prompt_tokens':3,'completion_tokens':1,'total_tokens':4}}";
        var chunk = Head.Replace("OBJECT", "chat.completion.chunk", StringComparison.Ordinal);
        var body = (stream
            ? "data: " + chunk + "'delta':{'role':'assistant','content':'hi'},'finish_reason':null}]}\n\n"
                + "data: " + chunk + "'delta':{},'finish_reason':'stop','routed_experts':[[1,2]]}]," + Usage + "\n\ndata: [DONE]\n\n"
            : Head.Replace("OBJECT", "chat.completion", StringComparison.Ordinal) + "'message':{'role':'assistant','content':'hi'},'finish_reason':'stop','routed_experts':[[1,2]]}]," + Usage)
            .Replace('\'', '"');
        using var client = Create(new InMemoryHandler(_ => InMemoryHandler.Text(body, stream ? "text/event-stream" : "application/json")), "m");

        var properties = stream
            ? (await client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken)).Single(u => u.FinishReason is not null).AdditionalProperties
            : (await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken)).AdditionalProperties;

        Assert.Equal("[[1,2]]", ((JsonElement)properties!["routed_experts"]!).GetRawText());
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallBody_FunctionCallParsed()
    {
        using var client = Create(CannedServer.Handler("chat-response-toolcall.example.json"), "Qwen/Qwen2.5-7B-Instruct");

        var response = await client.GetResponseAsync("What's the weather like in Boston?", cancellationToken: TestContext.Current.CancellationToken);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_current_weather", call.Name);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.NotEmpty(call.Arguments!);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorEventMidStream_ThrowsVllmException()
    {
        using var client = Create(CannedServer.Handler("chat-stream-error-midstream.example.sse"));

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal("Internal server error", ex.ServerMessage);
    }
}
