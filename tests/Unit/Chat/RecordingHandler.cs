using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>An in-memory HTTP handler: records each request (headers and body bytes) and answers with canned bytes.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, HttpResponseMessage> _respond;

    public RecordingHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) => _respond = respond;

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    public static RecordingHandler Json(string body, HttpStatusCode status = HttpStatusCode.OK)
        => new((_, _) => new HttpResponseMessage(status) { Content = new StringContent(body, new MediaTypeHeaderValue("application/json")) });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => Task.FromResult(Send(request, cancellationToken));

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        if (request.Content is not null)
        {
            using var buffer = new MemoryStream();
            request.Content.ReadAsStream(cancellationToken).CopyTo(buffer);
            body = buffer.ToArray();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }
        }

        Requests.Enqueue(new CapturedRequest(request.Method.Method, request.RequestUri!, headers, body));
        return _respond(request, Requests.Count);
    }
}

/// <summary>One request as it left the client.</summary>
internal sealed record CapturedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body);
