using System;
using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>
/// A minimal HTTP/1.1 server on raw sockets: keep-alive, Content-Length or chunked request bodies,
/// <c>Expect: 100-continue</c>; each response is one pre-rendered byte array sent in one call.
/// </summary>
internal sealed class ReplayListener : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 64 * 1024 * 1024;
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
    private readonly Socket _socket;
    private readonly ReplayCatalog _catalog;

    public ReplayListener(IPEndPoint endpoint, ReplayCatalog catalog)
    {
        _catalog = catalog;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(4096);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            client.NoDelay = true;
            _ = Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                // Headers.
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (length == buffer.Length)
                    {
                        if (length >= MaxHeaderBytes)
                        {
                            return;
                        }

                        buffer = Grow(buffer, length, buffer.Length * 2);
                    }

                    var n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }

                    length += n;
                }

                var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
                var bodyStart = headerEnd + 4;
                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                if (requestLine.Length < 3)
                {
                    return;
                }

                long contentLength = 0;
                bool chunked = false, expectContinue = false, close = false;
                for (var i = 1; i < lines.Length; i++)
                {
                    var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        continue;
                    }

                    var name = lines[i].AsSpan(0, colon).Trim();
                    var value = lines[i].AsSpan(colon + 1).Trim();
                    if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
                    {
                        contentLength = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    }
                    else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                    }
                    else if (name.Equals("expect", StringComparison.OrdinalIgnoreCase))
                    {
                        expectContinue = value.Equals("100-continue", StringComparison.OrdinalIgnoreCase);
                    }
                    else if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
                    {
                        close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
                    }
                }

                if (contentLength > MaxBodyBytes)
                {
                    return;
                }

                if (expectContinue)
                {
                    await client.SendAsync(Continue, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }

                // Body: decoded in place into buffer[bodyStart .. bodyEnd).
                int bodyEnd, consumed;
                if (chunked)
                {
                    (buffer, length, bodyEnd, consumed) = await ReadChunkedAsync(client, buffer, length, bodyStart, cancellationToken).ConfigureAwait(false);
                    if (bodyEnd < 0)
                    {
                        return;
                    }
                }
                else
                {
                    var needed = bodyStart + (int)contentLength;
                    if (needed > buffer.Length)
                    {
                        buffer = Grow(buffer, length, needed);
                    }

                    while (length < needed)
                    {
                        var n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                        if (n == 0)
                        {
                            return;
                        }

                        length += n;
                    }

                    bodyEnd = needed;
                    consumed = needed;
                }

                var response = _catalog.Respond(requestLine[0], requestLine[1], buffer.AsSpan(bodyStart, bodyEnd - bodyStart));
                await client.SendAsync(response, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (close)
                {
                    client.Shutdown(SocketShutdown.Send);
                    return;
                }

                // Keep what was received past this request (pipelining is not expected, but be safe).
                Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                length -= consumed;
            }
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            client.Dispose();
        }
    }

    /// <summary>Decodes a chunked body that starts at <paramref name="bodyStart"/>; returns the decoded end and the bytes consumed, or -1 on EOF/error.</summary>
    private static async Task<(byte[] Buffer, int Length, int BodyEnd, int Consumed)> ReadChunkedAsync(Socket client, byte[] buffer, int length, int bodyStart, CancellationToken cancellationToken)
    {
        var write = bodyStart; // decoded bytes go here
        var read = bodyStart;  // next encoded byte
        while (true)
        {
            int lineEnd;
            while ((lineEnd = buffer.AsSpan(read, length - read).IndexOf("\r\n"u8)) < 0)
            {
                (buffer, length) = await FillAsync(client, buffer, length, cancellationToken).ConfigureAwait(false);
                if (length < 0)
                {
                    return (buffer, 0, -1, 0);
                }
            }

            var sizeText = Encoding.ASCII.GetString(buffer, read, lineEnd);
            var semi = sizeText.IndexOf(';', StringComparison.Ordinal);
            var size = int.Parse(semi >= 0 ? sizeText[..semi] : sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            read += lineEnd + 2;
            if (size == 0)
            {
                // Trailers end with an empty line.
                while (true)
                {
                    while ((lineEnd = buffer.AsSpan(read, length - read).IndexOf("\r\n"u8)) < 0)
                    {
                        (buffer, length) = await FillAsync(client, buffer, length, cancellationToken).ConfigureAwait(false);
                        if (length < 0)
                        {
                            return (buffer, 0, -1, 0);
                        }
                    }

                    read += lineEnd + 2;
                    if (lineEnd == 0)
                    {
                        return (buffer, length, write, read);
                    }
                }
            }

            while (length - read < size + 2)
            {
                if (write - bodyStart + size > MaxBodyBytes)
                {
                    return (buffer, 0, -1, 0);
                }

                (buffer, length) = await FillAsync(client, buffer, length, cancellationToken).ConfigureAwait(false);
                if (length < 0)
                {
                    return (buffer, 0, -1, 0);
                }
            }

            Buffer.BlockCopy(buffer, read, buffer, write, size);
            write += size;
            read += size + 2;
        }
    }

    private static async Task<(byte[] Buffer, int Length)> FillAsync(Socket client, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        if (length == buffer.Length)
        {
            buffer = Grow(buffer, length, buffer.Length * 2);
        }

        var n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return n == 0 ? (buffer, -1) : (buffer, length + n);
    }

    private static byte[] Grow(byte[] buffer, int length, int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(buffer, 0, bigger, 0, length);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}
