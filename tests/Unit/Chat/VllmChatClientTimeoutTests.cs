using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Which setting times which phase of a chat request: FirstByteTimeout the headers, StreamIdleTimeout a stream's silences.</summary>
public sealed class VllmChatClientTimeoutTests
{
    private const string FirstChunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    private const string Rest = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static VllmProviderOptions Options(TimeSpan firstByte, TimeSpan idle) => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
        AllowPrivateNetwork = true,
        FirstByteTimeout = firstByte,
        StreamIdleTimeout = idle,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    [Fact]
    public async Task GetStreamingResponseAsync_SilenceLongerThanFirstByteTimeout_Completes()
    {
        // A generation may pause (a long tool-call argument, a busy engine) for longer than FirstByteTimeout: only
        // StreamIdleTimeout may end a stream that already started.
        var handler = new InMemoryHandler(_ => Sse(new PausingStream(FirstChunk, TimeSpan.FromMilliseconds(700), Rest)));
        using var http = handler.CreateClient();
        using var chat = new VllmChatClient(Options(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)), "m", http);

        var text = new StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
        }

        Assert.Equal("Hello", text.ToString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoHeadersWithinFirstByteTimeout_ErrorNamesFirstByteTimeout()
    {
        var handler = new InMemoryHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var http = handler.CreateClient();
        using var chat = new VllmChatClient(Options(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)), "m", http);

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal("The server at http://127.0.0.1:8000/v1 did not answer POST /v1/chat/completions within FirstByteTimeout (0.2 s).", ex.ServerMessage);
    }

    private static HttpResponseMessage Sse(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>Sends the first part, is silent for a while, then sends the rest.</summary>
    private sealed class PausingStream(string first, TimeSpan pause, string rest) : Stream
    {
        private readonly byte[] _first = Encoding.UTF8.GetBytes(first);
        private readonly byte[] _rest = Encoding.UTF8.GetBytes(rest);
        private int _part;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            switch (_part++)
            {
                case 0:
                    _first.CopyTo(buffer);
                    return _first.Length;
                case 1:
                    await Task.Delay(pause, cancellationToken);
                    _rest.CopyTo(buffer);
                    return _rest.Length;
                default:
                    return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
