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
public class ChatCompletionBenchmarks : SuiteBase
{
    private static bool _validated;
    private const string Expected = "Hi! How can I help you today?";
    private IChatClient? _ours;
    private IChatClient _stock = null!;
    private IChatCompletionService _sk = null!;
    private RawChatClient _raw = null!;
    private IList<ChatMessage> _messages = null!;
    private ChatHistory _history = null!;

    [GlobalSetup]
    public void Setup()
    {
        StartServer();
        _ours = OursClients.Chat(Server.V1, BenchInputs.SmallModel);
        _stock = PeerClients.StockChat(Server.V1, BenchInputs.SmallModel);
        _sk = PeerClients.SkChat(Server.V1, BenchInputs.SmallModel);
        _raw = new RawChatClient(Server.V1);
        _messages = BenchInputs.Messages();
        _history = new ChatHistory();
        _history.AddUserMessage(BenchInputs.UserText);
        if (!_validated)
        {
            // Once per process: every client must read the same bytes to the same result before it is timed.
            ValidateAsync().GetAwaiter().GetResult();
            _validated = true;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _stock.Dispose();
        _raw.Dispose();
        StopServer();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public async Task<int> Ours() => (await _ours!.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public async Task<int> StockMeai() => (await _stock.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    [Benchmark]
    [BenchClient(ClientKind.SemanticKernel)]
    public async Task<int> SemanticKernel() => (await _sk.GetChatMessageContentsAsync(_history).ConfigureAwait(false))[0].Content!.Length;

    [Benchmark]
    [BenchClient(ClientKind.Raw)]
    public async Task<int> Raw() => (await _raw.CompleteAsync(BenchInputs.SmallModel).ConfigureAwait(false)).TextLength;

    private async Task ValidateAsync()
    {
        if (_ours is not null)
        {
            Check("ours", (await _ours.GetResponseAsync(_messages).ConfigureAwait(false)).Text);
        }

        Check("stock MEAI", (await _stock.GetResponseAsync(_messages).ConfigureAwait(false)).Text);
        Check("SK", (await _sk.GetChatMessageContentsAsync(_history).ConfigureAwait(false))[0].Content);
        if (_history.Count != 1)
        {
            throw new InvalidOperationException("SK changed the chat history; the benchmark would not send identical requests.");
        }

        var raw = await _raw.CompleteAsync(BenchInputs.SmallModel).ConfigureAwait(false);
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
