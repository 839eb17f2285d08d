using System.Buffers;
using System.IO;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// Reads server-sent events' <c>data:</c> payloads from a response stream into one pooled buffer: no string, no
/// per-line allocation. Enforces the longest line (<see cref="VllmProviderOptions.MaxSseLineBytes"/>) and the
/// longest silence between reads (<see cref="VllmProviderOptions.StreamIdleTimeout"/>).
/// </summary>
/// <remarks>Each <c>data:</c> line is one payload: vLLM (and the other OpenAI-compatible servers) never split an
/// event's JSON over several <c>data:</c> lines. Comments, <c>event:</c>, <c>id:</c> and <c>retry:</c> lines are skipped.</remarks>
internal sealed class VllmSseReader : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationToken _cancellationToken;
    private readonly Timer? _watchdog;
    private readonly VllmEndpoint? _endpoint; // for the log and the hints' setting keys
    private readonly string? _requestId; // for VllmException.RequestId
    private long _readStartedAt; // Environment.TickCount64 when the pending read began; 0 while none is pending.
    private volatile bool _stalled;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private int _dataStart;
    private int _dataLength;

    public VllmSseReader(Stream stream, int maxLineBytes, TimeSpan idleTimeout, CancellationToken cancellationToken, VllmEndpoint? endpoint = null, string? requestId = null)
    {
        _stream = stream;
        _endpoint = endpoint;
        _requestId = requestId;
        _maxLineBytes = maxLineBytes > 0 ? maxLineBytes : int.MaxValue;
        _idleTimeout = idleTimeout > TimeSpan.Zero ? idleTimeout : Timeout.InfiniteTimeSpan;
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        if (_idleTimeout != Timeout.InfiniteTimeSpan)
        {
            // One watchdog per stream instead of re-arming a timer and linking a token on every read (measured as the
            // reader's hottest cost per chunk): it only looks at the start time of the pending read.
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_idleTimeout.TotalMilliseconds / 4, 10, 1000));
            _watchdog = new Timer(static state => ((VllmSseReader)state!).CheckIdle(), this, period, period);
        }
    }

    /// <summary>Gets the current <c>data:</c> payload (valid until the next read).</summary>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_dataStart, _dataLength);

    /// <summary>Gets how many bytes arrived in total (for "what arrived" messages).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Advances to the next <c>data:</c> payload.</summary>
    /// <returns><see langword="false"/> at the end of the stream.</returns>
    /// <exception cref="VllmException">A line is too long, the stream stalled, or the connection broke.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async ValueTask<bool> ReadAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _scanned, _end - _scanned);
            if (newline >= 0)
            {
                var lineStart = _start;
                var lineEnd = newline > lineStart && _buffer[newline - 1] == (byte)'\r' ? newline - 1 : newline;
                _start = _scanned = newline + 1;
                if (TrySetData(lineStart, lineEnd))
                {
                    return true;
                }

                continue;
            }

            _scanned = _end;
            if (_end - _start > _maxLineBytes)
            {
                throw new VllmException(null, $"A server-sent-events line is longer than MaxSseLineBytes ({_maxLineBytes} bytes).", $"Raise {Setting("MaxSseLineBytes")} if the server really sends such long chunks; otherwise the server or a proxy is sending something that is not an event stream.")
                {
                    RequestId = _requestId,
                };
            }

            if (!await FillAsync().ConfigureAwait(false))
            {
                return false; // A trailing line without its newline is an incomplete event: ignored, the caller sees no [DONE].
            }
        }
    }

    private bool TrySetData(int lineStart, int lineEnd)
    {
        var line = _buffer.AsSpan(lineStart, lineEnd - lineStart);
        if (!line.StartsWith("data:"u8))
        {
            return false;
        }

        var offset = line.Length > 5 && line[5] == (byte)' ' ? 6 : 5;
        _dataStart = lineStart + offset;
        _dataLength = lineEnd - _dataStart;
        return true;
    }

    private async ValueTask<bool> FillAsync()
    {
        if (_start > 0)
        {
            // Move the unfinished line to the front.
            var pending = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _scanned -= _start;
            _end = pending;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, (long)_maxLineBytes + 4096));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read;
        try
        {
            Volatile.Write(ref _readStartedAt, Environment.TickCount64);
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_stalled && !_cancellationToken.IsCancellationRequested)
        {
            // Our watchdog closed the stream: the server went silent. (Nothing else times a stream: the request was sent
            // with a VllmHeaderTimeout, so the pipeline puts no per-read timeout on the body.)
            throw Stalled(ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException && !_cancellationToken.IsCancellationRequested)
        {
            throw new VllmException(null, $"The stream broke after {BytesRead} bytes: {ex.Message}", "The connection to the server was lost mid-answer; see the vLLM server log.", ex)
            {
                RequestId = _requestId,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The caller cancelled the stream.", ex, _cancellationToken);
        }

        finally
        {
            // Stop the idle clock while the caller works on what arrived: a slow consumer is not a stalled server.
            Volatile.Write(ref _readStartedAt, 0);
        }

        _cancellationToken.ThrowIfCancellationRequested();
        if (_stalled)
        {
            throw Stalled(null); // The watchdog closed the stream just as the read ended.
        }

        _end += read;
        BytesRead += read;
        return read > 0;
    }

    private void CheckIdle()
    {
        var started = Volatile.Read(ref _readStartedAt);
        if (started != 0 && Environment.TickCount64 - started > (long)_idleTimeout.TotalMilliseconds && !_stalled)
        {
            _stalled = true;
            _stream.Dispose(); // Ends the pending read (and the connection, so the server stops generating).
        }
    }

    /// <summary>The full configuration key of setting <paramref name="name"/>, for a hint.</summary>
    private string Setting(string name) => VllmSettingKey.For(_endpoint?.Options, name);

    private VllmException Stalled(Exception? inner)
    {
        _endpoint?.Logger.StreamStalled(_endpoint.BaseUrl, _idleTimeout.TotalSeconds, "StreamIdleTimeout", BytesRead);
        return new(null, $"The stream stalled: no data for {_idleTimeout.TotalSeconds:0.###} s (StreamIdleTimeout) after {BytesRead} bytes.", $"The server may be overloaded or the connection was cut by a proxy. Raise {Setting("StreamIdleTimeout")} for very slow generations; check the server with curl its /health.", inner)
        {
            RequestId = _requestId,
        };
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
