using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>
/// A hostile or broken HTTP/1.1 server on 127.0.0.1 for what the vLLM test server does not emulate: answers written
/// byte by byte by the test (redirects, bodies cut or stalled mid-way, endless bodies), and every request recorded.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RawRequest, Stream, CancellationToken, Task> _respond;
    private readonly ConcurrentQueue<RawRequest> _requests = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public RawHttpServer(Func<RawRequest, Stream, CancellationToken, Task> respond)
    {
        _respond = respond;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/v1");

    public IReadOnlyCollection<RawRequest> Requests => _requests;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Writes a complete response with a body.</summary>
    public static async Task WriteAsync(Stream stream, int status, string body, CancellationToken ct, params string[] headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Length: {bytes.Length}\r\nContent-Type: application/json\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await stream.WriteAsync(bytes, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Writes only the status line and headers (the body is up to the caller).</summary>
    public static async Task WriteHeadAsync(Stream stream, int status, long? contentLength, string contentType, CancellationToken ct)
    {
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\n" + (contentLength is { } n ? $"Content-Length: {n}\r\n" : "Transfer-Encoding: chunked\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        await stream.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static async Task<RawRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            var n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')
            {
                break;
            }
        }

        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[lines[i][..colon].Trim().ToLowerInvariant()] = lines[i][(colon + 1)..].Trim();
            }
        }

        if (headers.TryGetValue("content-length", out var length) && int.TryParse(length, out var bodyLength) && bodyLength > 0)
        {
            var body = new byte[bodyLength];
            await stream.ReadExactlyAsync(body, ct);
        }

        return new RawRequest(first[0], first.Length > 1 ? first[1] : string.Empty, headers);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                while (await ReadRequestAsync(stream, _stop.Token) is { } request)
                {
                    _requests.Enqueue(request);
                    await _respond(request, stream, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the test closed the connection on purpose.
            }
        }
    }
}
