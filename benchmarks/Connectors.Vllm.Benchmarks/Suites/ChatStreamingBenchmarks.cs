using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Streaming chat: role chunk, 1,000 content chunks (the example's chunk shape, ~240 bytes each on the
/// wire), finish chunk, usage chunk, [DONE]. Reported per chunk (operation ÷ 1,000).
/// </summary>
[Workload("chat, streaming 1,000 chunks", 3, Unit = "chunk", PerUnit = BenchInputs.StreamChunks)]
[MemoryDiagnoser]
public class ChatStreamingBenchmarks : ChatSuiteBase
{
    /// <summary>The variant row of ours with tool-call recovery off.</summary>
    public const string RecoveryOffVariant = "ToolCallRecovery = Off";

    /// <summary>The variant row of ours with a tool sent: recovery (Warn, the default) scans every text delta.</summary>
    public const string ToolsSentVariant = "tools sent (recovery scans the text)";

    private static readonly string Expected = BenchInputs.ExpectedStreamText(BenchInputs.StreamChunks);
    private readonly ChatOptions _toolsSent = new() { Tools = [BenchInputs.WeatherTool] };
    private IChatClient? _oursRecoveryOff;

    [GlobalSetup]
    public void Setup()
    {
        StartChatClients(BenchInputs.StreamModel);
        _oursRecoveryOff = OursClients.Chat(Server.V1, BenchInputs.StreamModel, VllmToolCallRecovery.Off);
        ValidateOnce(ValidateAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _oursRecoveryOff?.Dispose();
        StopChatClients();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public Task<int> Ours() => DrainAsync(OursClient!, Messages);

    /// <summary>No tools are sent in <see cref="Ours"/>, so recovery is never set up: this row (recovery off) must cost the same.</summary>
    [Benchmark]
    [BenchClient(ClientKind.Ours, RecoveryOffVariant, Requires = OursFeature.Chat, Primary = false)]
    public Task<int> OursToolCallRecoveryOff() => DrainAsync(_oursRecoveryOff!, Messages);

    /// <summary>The same stream with a tool in the request: what looking for leaked tool-call markup costs per chunk.</summary>
    [Benchmark]
    [BenchClient(ClientKind.Ours, ToolsSentVariant, Requires = OursFeature.Chat, Primary = false)]
    public Task<int> OursToolsSent() => DrainAsync(OursClient!, Messages, _toolsSent);

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public Task<int> StockMeai() => DrainAsync(StockClient, Messages);

    [Benchmark]
    [BenchClient(ClientKind.SemanticKernel)]
    public async Task<int> SemanticKernel()
    {
        var length = 0;
        await foreach (var update in SkService.GetStreamingChatMessageContentsAsync(History).ConfigureAwait(false))
        {
            length += update.Content?.Length ?? 0;
        }

        return length;
    }

    [Benchmark]
    [BenchClient(ClientKind.Raw)]
    public async Task<int> Raw() => (await RawClient.StreamAsync(BenchInputs.StreamModel, tools: false).ConfigureAwait(false)).TextLength;

    [Benchmark]
    [BenchClient(ClientKind.Raw, RawChatClient.MeaiUpdatesVariant, Primary = false)]
    public async Task<int> RawWithMeaiUpdates()
    {
        var length = 0;
        await foreach (var update in RawClient.StreamUpdatesAsync(BenchInputs.StreamModel).ConfigureAwait(false))
        {
            length += update.Text.Length;
        }

        return length;
    }

    internal static async Task<int> DrainAsync(IChatClient client, IList<ChatMessage> messages, ChatOptions? options = null)
    {
        var length = 0;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options).ConfigureAwait(false))
        {
            length += update.Text.Length;
        }

        return length;
    }

    private async Task ValidateAsync()
    {
        if (OursClient is not null)
        {
            await CheckMeaiAsync("ours", OursClient).ConfigureAwait(false);
            await CheckMeaiAsync("ours, " + ToolsSentVariant, OursClient, _toolsSent).ConfigureAwait(false);
            await CheckMeaiAsync("ours, " + RecoveryOffVariant, _oursRecoveryOff!).ConfigureAwait(false);
        }

        await CheckMeaiAsync("stock MEAI", StockClient).ConfigureAwait(false);

        var sk = new System.Text.StringBuilder();
        await foreach (var update in SkService.GetStreamingChatMessageContentsAsync(History).ConfigureAwait(false))
        {
            sk.Append(update.Content);
        }

        Check("SK", sk.ToString());
        var raw = await RawClient.StreamAsync(BenchInputs.StreamModel, tools: false).ConfigureAwait(false);
        if (raw.TextChunks != BenchInputs.StreamChunks || raw.TextLength != Expected.Length || raw.FinishReason != "stop" || raw.TotalTokens != 42 + BenchInputs.StreamChunks)
        {
            throw new InvalidOperationException("raw baseline read the stream wrongly");
        }
    }

    private static async Task CheckMeaiAsync(string who, IChatClient client, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(BenchInputs.Messages(), options).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Check(who, response.Text);
        if (response.FinishReason != ChatFinishReason.Stop)
        {
            throw new InvalidOperationException($"{who}: finish reason {response.FinishReason}");
        }

        if (response.Usage?.OutputTokenCount != BenchInputs.StreamChunks)
        {
            throw new InvalidOperationException($"{who}: usage not surfaced (output tokens {response.Usage?.OutputTokenCount})");
        }
    }

    private static void Check(string who, string? text)
    {
        if (text != Expected)
        {
            throw new InvalidOperationException($"{who}: streamed text differs from the expected {Expected.Length} characters (got {text?.Length})");
        }
    }
}
