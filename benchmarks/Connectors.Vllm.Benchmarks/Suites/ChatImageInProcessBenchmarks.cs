using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>
/// Non-streaming chat carrying a 1 MiB image (<see cref="DataContent"/>, <c>image/png</c>) through the in-process handler:
/// what writing an inline image into the request costs each client (the handler reads the whole body, as a socket would).
/// Ours encodes the bytes as base64 straight into the body; stock MEAI hands them to the OpenAI SDK's part. Same bytes,
/// same answer (the small replay answer).
/// </summary>
[Workload("chat, non-streaming, 1 MiB image DataContent, in-process", 7, Unit = "request")]
[MemoryDiagnoser]
public class ChatImageInProcessBenchmarks : SuiteBase
{
    /// <summary>The image size: 1 MiB of bytes (random, so nothing compresses or repeats).</summary>
    internal const int ImageBytes = 1024 * 1024;

    private InProcessChatHandler _handler = null!;
    private IChatClient? _ours;
    private IChatClient _stock = null!;
    private IList<ChatMessage> _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handler = new InProcessChatHandler(ChatCompletionInProcessBenchmarks.ResponseBody.Value);
        _ours = OursClients.Chat(BenchInputs.InProcessBaseUrl, BenchInputs.SmallModel, _handler.CreateClient());
        _stock = PeerClients.StockChat(BenchInputs.InProcessBaseUrl, BenchInputs.SmallModel, _handler.CreateClient());
        var image = new byte[ImageBytes];
        new Random(15).NextBytes(image);
        _messages = [new ChatMessage(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(image, "image/png")])];
        ValidateOnce(ValidateAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _stock.Dispose();
        _handler.Dispose();
    }

    [Benchmark]
    [BenchClient(ClientKind.Ours, Requires = OursFeature.Chat)]
    public async Task<int> Ours() => (await _ours!.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    [Benchmark(Baseline = true)]
    [BenchClient(ClientKind.StockMeai)]
    public async Task<int> StockMeai() => (await _stock.GetResponseAsync(_messages).ConfigureAwait(false)).Text.Length;

    /// <summary>Both clients send one request whose image part carries the same data URI.</summary>
    private async Task ValidateAsync()
    {
        var expected = "data:image/png;base64," + Convert.ToBase64String(((DataContent)_messages[0].Contents[1]).Data.Span);
        foreach (var (who, client) in new[] { ("ours", _ours), ("stock MEAI", _stock) })
        {
            if (client is null)
            {
                continue;
            }

            _handler.Record = true;
            try
            {
                var before = _handler.Requests;
                await client.GetResponseAsync(_messages).ConfigureAwait(false);
                if (_handler.Requests - before != 1)
                {
                    throw new InvalidOperationException($"{who}: sent {_handler.Requests - before} requests for one call.");
                }

                using var body = JsonDocument.Parse(_handler.LastRequestBody);
                var url = body.RootElement.GetProperty("messages")[0].GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString();
                if (url != expected)
                {
                    throw new InvalidOperationException($"{who}: the image part does not carry the image's bytes (url of {url?.Length ?? 0} characters, expected {expected.Length}).");
                }
            }
            finally
            {
                _handler.Record = false;
            }
        }
    }
}
