using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>An in-memory server: answers each request with the responder, records every request, returns non-seekable bodies.</summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _responder;
    private int _count;

    public InMemoryHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> responder) => _responder = responder;

    public InMemoryHandler(Func<HttpRequestMessage, HttpResponseMessage> responder)
        : this((request, _) => Task.FromResult(responder(request)))
    {
    }

    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK)
        => Bytes(Encoding.UTF8.GetBytes(json), status);

    public static HttpResponseMessage Bytes(byte[] body, HttpStatusCode status = HttpStatusCode.OK, bool declareLength = true)
    {
        var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (declareLength)
        {
            content.Headers.ContentLength = body.Length;
        }

        return new HttpResponseMessage(status) { Content = content };
    }

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        Requests.Enqueue(request);
        return _responder(request, cancellationToken);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
