using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Tool-call stream (hermes parser, auto): name delta, 64 arguments fragments, finish chunk with
/// <c>tool_calls</c>, usage chunk, [DONE]. The request carries the same one-function tools array for
/// every client; no client invokes the tool.
/// </summary>
[Workload("chat, streaming tool call (64 fragments)", 4, Unit = "request")]
[MemoryDiagnoser]
public class ToolCallStreamingBenchmarks : ChatSuiteBase
{
    private ChatOptions _options = null!;
    private OpenAIPromptExecutionSettings _skSettings = null!;
    private Kernel _kernel = null!;

    [GlobalSetup]
    public void Setup()
    {
        StartChatClients(BenchInputs.ToolModel);
        _options = new ChatOptions { Tools = [BenchInputs.WeatherTool], ToolMode = ChatToolMode.Auto };
        var function = KernelFunctionFactory.CreateFromMethod(
            ([Description("The city and state, e.g. San Francisco, CA")] string location) => "sunny",
            BenchInputs.ToolName,
            BenchInputs.ToolDescription);
        _kernel = new Kernel();
        _skSettings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto([function], autoInvoke: false) };
        ValidateOnce(ValidateAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        StopChatClients();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public Task<int> Ours() => DrainAsync(OursClient!);

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public Task<int> StockMeai() => DrainAsync(StockClient);

    [Benchmark]
    [BenchClient(ClientKind.SemanticKernel)]
    public async Task<int> SemanticKernel()
    {
        var items = 0;
        await foreach (var update in SkService.GetStreamingChatMessageContentsAsync(History, _skSettings, _kernel).ConfigureAwait(false))
        {
            items += update.Items.Count;
        }

        return items;
    }

    [Benchmark]
    [BenchClient(ClientKind.Raw)]
    public async Task<int> Raw() => (await RawClient.StreamAsync(BenchInputs.ToolModel, tools: true).ConfigureAwait(false)).ToolArgumentCount;

    private async Task<int> DrainAsync(IChatClient client)
    {
        var contents = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Messages, _options).ConfigureAwait(false))
        {
            contents += update.Contents.Count;
        }

        return contents;
    }

    private async Task ValidateAsync()
    {
        if (OursClient is not null)
        {
            await CheckMeaiAsync("ours", OursClient).ConfigureAwait(false);
        }

        await CheckMeaiAsync("stock MEAI", StockClient).ConfigureAwait(false);

        var names = new List<string>();
        await foreach (var update in SkService.GetStreamingChatMessageContentsAsync(History, _skSettings, _kernel).ConfigureAwait(false))
        {
            names.AddRange(update.Items.OfType<StreamingFunctionCallUpdateContent>().Where(c => c.Name is not null).Select(c => c.Name!));
        }

        if (!names.Contains(BenchInputs.ToolName))
        {
            throw new InvalidOperationException($"SK: no {BenchInputs.ToolName} call in the stream (saw: {string.Join(",", names)})");
        }

        var raw = await RawClient.StreamAsync(BenchInputs.ToolModel, tools: true).ConfigureAwait(false);
        if (raw.ToolName != BenchInputs.ToolName || raw.ToolArgumentCount != 1 || raw.FinishReason != "tool_calls")
        {
            throw new InvalidOperationException("raw baseline read the tool-call stream wrongly");
        }
    }

    private async Task CheckMeaiAsync(string who, IChatClient client)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(BenchInputs.Messages(), _options).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        var call = response.Messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionCallContent>().SingleOrDefault();
        if (call is null || call.Name != BenchInputs.ToolName || call.Arguments is null || !call.Arguments.ContainsKey("location"))
        {
            throw new InvalidOperationException($"{who}: the tool call was not assembled (name {call?.Name}, arguments {call?.Arguments?.Count})");
        }

        if (response.FinishReason != ChatFinishReason.ToolCalls)
        {
            throw new InvalidOperationException($"{who}: finish reason {response.FinishReason}");
        }
    }
}
