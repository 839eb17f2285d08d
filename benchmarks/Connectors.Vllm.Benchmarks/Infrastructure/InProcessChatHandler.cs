using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>
/// An in-process <see cref="HttpMessageHandler"/> for <c>POST /v1/chat/completions</c>: it reads the whole request body
/// (so every client pays for writing it, as on a socket) and answers with one fixed response body (the replay server's
/// own bytes for the workload, fetched once). No socket, no second process: what is left is the client's own cost.
/// Any other method or path gets 404, so a client that sends an extra request fails the suite's check.
/// </summary>
internal sealed class InProcessChatHandler : HttpMessageHandler
{
    private readonly byte[] _body;
    private readonly string _contentLength;
    private readonly List<HttpClient> _clients = [];
    private long _requests;

    public InProcessChatHandler(byte[] body)
    {
        _body = body;
        _contentLength = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Requests answered so far (any path).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The body of the last request, while <see cref="Record"/> is on (validation only; never while timed).</summary>
    public byte[]? LastRequestBody { get; private set; }

    public bool Record { get; set; }

    /// <summary>A client on this handler for one of the suite's clients; disposed with the handler (the handler is not
    /// disposed with it).</summary>
    public HttpClient CreateClient()
    {
        var http = new HttpClient(this, disposeHandler: false);
        lock (_clients)
        {
            _clients.Add(http);
        }

        return http;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_clients)
            {
                _clients.ForEach(c => c.Dispose());
                _clients.Clear();
            }
        }

        base.Dispose(disposing);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        if (Record)
        {
            LastRequestBody = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath != "/v1/chat/completions")
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new StringContent("{\"detail\":\"Not Found\"}") };
        }

        // As SocketsHttpHandler stores the headers it reads off the wire: unparsed strings (a typed value would be stored
        // parsed, and every client that reads a header would pay for the lock and conversion a real response never needs).
        var content = new ByteArrayContent(_body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.TryAddWithoutValidation("Content-Length", _contentLength);
        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content };
    }
}
