using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Unit.TestHttp;

/// <summary>
/// The one in-memory server of the unit tests: records every request (method, URI, headers, body bytes) and answers
/// with the responder's message, sync or async. The response factories return non-seekable bodies, like a network
/// stream (Semantic Kernel's OpenAI connector rejects seekable ones).
/// </summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    private readonly Func<InMemoryRequest, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly ConcurrentQueue<InMemoryRequest> _requests = new();

    public InMemoryHandler(Func<InMemoryRequest, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

    public InMemoryHandler(Func<InMemoryRequest, HttpResponseMessage> respond)
        : this((request, _) => Task.FromResult(respond(request)))
    {
    }

    /// <summary>The requests received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<InMemoryRequest> Requests => [.. _requests];

    /// <summary>A handler that answers every request with <paramref name="json"/>.</summary>
    public static InMemoryHandler Answering(string json, HttpStatusCode status = HttpStatusCode.OK) => new(_ => Json(json, status));

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK)
        => Bytes(Encoding.UTF8.GetBytes(json), "application/json", status);

    /// <summary>A text body (e.g. <c>text/event-stream</c>) without a declared length, as a streamed answer arrives.</summary>
    public static HttpResponseMessage Text(string body, string mediaType, HttpStatusCode status = HttpStatusCode.OK)
        => Bytes(Encoding.UTF8.GetBytes(body), mediaType, status, declareLength: false);

    public static HttpResponseMessage Bytes(byte[] body, string mediaType, HttpStatusCode status = HttpStatusCode.OK, bool declareLength = true)
    {
        var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        if (declareLength)
        {
            content.Headers.ContentLength = body.Length;
        }

        return new HttpResponseMessage(status) { Content = content };
    }

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Answered(request, await _respond(Record(request, body), cancellationToken).ConfigureAwait(false));
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        if (request.Content is not null)
        {
            using var buffer = new MemoryStream();
            request.Content.ReadAsStream(cancellationToken).CopyTo(buffer);
            body = buffer.ToArray();
        }

        return Answered(request, _respond(Record(request, body), cancellationToken).GetAwaiter().GetResult());
    }

    private static HttpResponseMessage Answered(HttpRequestMessage request, HttpResponseMessage response)
    {
        response.RequestMessage ??= request;
        return response;
    }

    private InMemoryRequest Record(HttpRequestMessage request, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers.NonValidated)
        {
            headers[header.Key] = header.Value.ToString();
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated)
            {
                headers[header.Key] = header.Value.ToString();
            }
        }

        var recorded = new InMemoryRequest(request.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.MediaType, body);
        _requests.Enqueue(recorded);
        return recorded;
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
