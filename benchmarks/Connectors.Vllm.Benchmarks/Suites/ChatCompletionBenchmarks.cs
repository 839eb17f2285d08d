using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>Non-streaming small chat: one user message in, the chat-response example (701 bytes) out.</summary>
[Workload("chat, non-streaming, small", 1, Unit = "request")]
[MemoryDiagnoser]
public class ChatCompletionBenchmarks : ChatSuiteBase
{
    private const string Expected = "Hi! How can I help you today?";

    [GlobalSetup]
    public void Setup()
    {
        StartChatClients(BenchInputs.SmallModel);
        ValidateOnce(ValidateAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        StopChatClients();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public async Task<int> Ours() => (await OursClient!.GetResponseAsync(Messages).ConfigureAwait(false)).Text.Length;

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public async Task<int> StockMeai() => (await StockClient.GetResponseAsync(Messages).ConfigureAwait(false)).Text.Length;

    [Benchmark]
    [BenchClient(ClientKind.SemanticKernel)]
    public async Task<int> SemanticKernel() => (await SkService.GetChatMessageContentsAsync(History).ConfigureAwait(false))[0].Content!.Length;

    [Benchmark]
    [BenchClient(ClientKind.Raw)]
    public async Task<int> Raw() => (await RawClient.CompleteAsync(BenchInputs.SmallModel).ConfigureAwait(false)).TextLength;

    private async Task ValidateAsync()
    {
        if (OursClient is not null)
        {
            Check("ours", (await OursClient.GetResponseAsync(Messages).ConfigureAwait(false)).Text);
        }

        Check("stock MEAI", (await StockClient.GetResponseAsync(Messages).ConfigureAwait(false)).Text);
        Check("SK", (await SkService.GetChatMessageContentsAsync(History).ConfigureAwait(false))[0].Content);
        if (History.Count != 1)
        {
            throw new InvalidOperationException("SK changed the chat history; the benchmark would not send identical requests.");
        }

        var raw = await RawClient.CompleteAsync(BenchInputs.SmallModel).ConfigureAwait(false);
        if (raw.TextLength != Expected.Length || raw.FinishReason != "stop" || raw.TotalTokens != 52)
        {
            throw new InvalidOperationException("raw baseline read the response wrongly");
        }
    }

    private static void Check(string who, string? text)
    {
        if (text != Expected)
        {
            throw new InvalidOperationException($"{who}: expected \"{Expected}\", got \"{text}\"");
        }
    }
}
