using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Non-streaming small chat through an in-process handler (no socket, no server process): what one request costs the
/// client itself. The floor is the OpenAI SDK's protocol method (<c>ChatClient.CompleteChatAsync(BinaryContent,
/// RequestOptions)</c>) with a raw <see cref="Utf8JsonReader"/> on the same bytes: the least any client on the SDK's
/// pipeline can do. The response is the replay server's own answer for <see cref="BenchInputs.SmallModel"/> (701 bytes).
/// </summary>
[Workload("chat, non-streaming, small, in-process (raw floor = SDK protocol method)", 2, Unit = "request")]
[MemoryDiagnoser]
public class ChatCompletionInProcessBenchmarks : SuiteBase
{
    private const string Expected = "Hi! How can I help you today?";

    /// <summary>The replay server's answer, fetched once per process (setup, never timed).</summary>
    internal static readonly Lazy<byte[]> ResponseBody = new(FetchResponseBody);

    private InProcessChatHandler _handler = null!;
    private IChatClient? _ours;
    private IChatClient _stock = null!;
    private SdkProtocolChatClient _floor = null!;
    private RawChatClient _raw = null!;
    private IList<ChatMessage> _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handler = new InProcessChatHandler(ResponseBody.Value);
        _ours = OursClients.Chat(BenchInputs.InProcessBaseUrl, BenchInputs.SmallModel, _handler.CreateClient());
        _stock = PeerClients.StockChat(BenchInputs.InProcessBaseUrl, BenchInputs.SmallModel, _handler.CreateClient());
        _floor = new SdkProtocolChatClient(BenchInputs.InProcessBaseUrl, BenchInputs.SmallModel, _handler.CreateClient());
        _raw = new RawChatClient(BenchInputs.InProcessBaseUrl, _handler, disposeHandler: false);
        _messages = BenchInputs.Messages();
        ValidateOnce(ValidateAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _stock.Dispose();
        _raw.Dispose();
        _handler.Dispose();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public async Task<int> Ours() => (await _ours!.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public async Task<int> StockMeai() => (await _stock.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    [Benchmark]
    [BenchClient(ClientKind.Raw, SdkProtocolVariant)]
    public async Task<int> SdkProtocol() => (await _floor.CompleteAsync().ConfigureAwait(false)).TextLength;

    [Benchmark]
    [BenchClient(ClientKind.Raw, "HttpClient + Utf8JsonReader (no SDK pipeline)", Primary = false)]
    public async Task<int> Raw() => (await _raw.CompleteAsync(BenchInputs.SmallModel).ConfigureAwait(false)).TextLength;

    /// <summary>The label of the floor row (the ratio table's "raw floor" for this workload).</summary>
    internal const string SdkProtocolVariant = "SDK protocol method + Utf8JsonReader";

    private static byte[] FetchResponseBody()
    {
        using var server = ReplayServerProcess.Start();
        var request = new ArrayBufferWriter<byte>(160);
        RawChatClient.WriteRequest(request, BenchInputs.SmallModel, stream: false, tools: false);
        return server.PostAsync("v1/chat/completions", request.WrittenMemory).GetAwaiter().GetResult();
    }

    private async Task ValidateAsync()
    {
        if (_ours is not null)
        {
            await CheckAsync("ours", async () => (await _ours.GetResponseAsync(_messages).ConfigureAwait(false)).Text).ConfigureAwait(false);
        }

        await CheckAsync("stock MEAI", async () => (await _stock.GetResponseAsync(_messages).ConfigureAwait(false)).Text).ConfigureAwait(false);
        await CheckAsync("SDK protocol floor", () => ReadFloorAsync(_floor.CompleteAsync())).ConfigureAwait(false);
        await CheckAsync("raw floor", () => ReadFloorAsync(_raw.CompleteAsync(BenchInputs.SmallModel))).ConfigureAwait(false);
    }

    private static async Task<string?> ReadFloorAsync(Task<RawChatResult> call)
    {
        var r = await call.ConfigureAwait(false);
        return r.TextLength == Expected.Length && r.FinishReason == "stop" && r.TotalTokens == 52 ? Expected : $"(text length {r.TextLength}, finish {r.FinishReason}, total tokens {r.TotalTokens})";
    }

    /// <summary>One call: exactly one request, for the same model and message, read to the expected text.</summary>
    private async Task CheckAsync(string who, Func<Task<string?>> call)
    {
        _handler.Record = true;
        try
        {
            var before = _handler.Requests;
            var text = await call().ConfigureAwait(false);
            var sent = _handler.Requests - before;
            if (sent != 1)
            {
                throw new InvalidOperationException($"{who}: sent {sent} requests for one call; the rows would not compare one request each.");
            }

            if (text != Expected)
            {
                throw new InvalidOperationException($"{who}: expected \"{Expected}\", got \"{text}\"");
            }

            using var body = JsonDocument.Parse(_handler.LastRequestBody);
            var root = body.RootElement;
            var message = root.GetProperty("messages")[0];
            if (root.GetProperty("model").GetString() != BenchInputs.SmallModel
                || root.GetProperty("messages").GetArrayLength() != 1
                || message.GetProperty("content").ToString() is not (BenchInputs.UserText or "[{\"type\":\"text\",\"text\":\"Hello!\"}]")
                || (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
            {
                throw new InvalidOperationException($"{who}: sent a different request: {System.Text.Encoding.UTF8.GetString(_handler.LastRequestBody ?? [])}");
            }
        }
        finally
        {
            _handler.Record = false;
        }
    }
}
