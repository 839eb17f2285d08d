using System.Buffers;
using System.IO;

namespace Connectors.Vllm.Http;

/// <summary>
/// The one size-capped reader of a whole (non-streamed) response body, used by every component: one array sized from
/// <c>Content-Length</c> when the server sends it (or rented from the shared pool), a body that breaks off or stalls
/// turned into <see cref="VllmException"/> by <see cref="VllmErrors"/>. Going over the cap is reported
/// (<see cref="VllmBody.TooLarge"/>), so that the caller names the setting that raises it.
/// </summary>
internal static class VllmBodyReader
{
    /// <summary>Error bodies are only quoted, so a small cap is enough.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>Reads <paramref name="response"/>'s body (requested with <c>BufferResponse = false</c>).</summary>
    /// <param name="response">The response.</param>
    /// <param name="limit">The cap in bytes.</param>
    /// <param name="endpoint">The endpoint the answer came from (its hints name its timeout setting).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="truncate">Over the cap, keep the first <paramref name="limit"/> bytes (error bodies, which are only quoted)
    /// instead of none.</param>
    /// <param name="pooled">Rent the buffer from <see cref="ArrayPool{T}.Shared"/>; the caller then disposes the result.</param>
    /// <returns>The body.</returns>
    /// <exception cref="VllmException">The connection broke or stalled while the body was arriving.</exception>
    public static async ValueTask<VllmBody> ReadAsync(PipelineResponse response, long limit, VllmEndpoint endpoint, CancellationToken cancellationToken, bool truncate = false, bool pooled = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(endpoint);
        var stream = response.ContentStream;
        if (stream is null)
        {
            var buffered = response.Content.ToMemory();
            return buffered.Length > limit
                ? new VllmBody(truncate ? buffered.ToArray().AsMemory(0, (int)limit) : ReadOnlyMemory<byte>.Empty, null, true)
                : new VllmBody(buffered, null, false);
        }

        limit = Math.Min(limit, Array.MaxLength - 1);
        var known = ContentLength(response);
        if (known > limit && !truncate)
        {
            return new VllmBody(ReadOnlyMemory<byte>.Empty, null, true);
        }

        // One byte more than the body, so the final zero-length read needs no growth.
        var capacity = (int)Math.Min(known is { } length ? length + 1 : 16 * 1024, limit + 1);
        var buffer = pooled ? ArrayPool<byte>.Shared.Rent(capacity) : new byte[capacity];
        var used = 0;
        try
        {
            while (true)
            {
                if (used == buffer.Length)
                {
                    var bigger = pooled
                        ? ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1))
                        : new byte[(int)Math.Min((long)buffer.Length * 2, limit + 1)];
                    buffer.AsSpan(0, used).CopyTo(bigger);
                    Release(buffer, pooled);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(used), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new VllmBody(buffer.AsMemory(0, used), pooled ? buffer : null, false);
                }

                used += read;
                if (used > limit)
                {
                    if (truncate)
                    {
                        return new VllmBody(buffer.AsMemory(0, (int)limit), pooled ? buffer : null, true);
                    }

                    Release(buffer, pooled);
                    return new VllmBody(ReadOnlyMemory<byte>.Empty, null, true);
                }

                if (used == known)
                {
                    // All the declared bytes are in: HTTP ends the body there, so no read is spent to learn that.
                    return new VllmBody(buffer.AsMemory(0, used), pooled ? buffer : null, false);
                }
            }
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Release(buffer, pooled);
            throw VllmErrors.BodyBroken(used, ex.Message, ex, endpoint.Setting("FirstByteTimeout"));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Release(buffer, pooled);
            throw VllmErrors.BodyBroken(used, "no data within FirstByteTimeout", ex, endpoint.Setting("FirstByteTimeout"));
        }
        catch
        {
            Release(buffer, pooled);
            throw;
        }
    }

    /// <summary>Reads an error answer's body to quote it: at most <see cref="MaxErrorBodyBytes"/> (the rest cut off), and
    /// nothing when it broke off or stalled, since the status alone still makes the error.</summary>
    /// <param name="response">The error response.</param>
    /// <param name="endpoint">The endpoint the answer came from.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The body, or empty.</returns>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadErrorAsync(PipelineResponse response, VllmEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAsync(response, MaxErrorBodyBytes, endpoint, cancellationToken, truncate: true).ConfigureAwait(false)).Memory;
        }
        catch (VllmException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>The <c>Content-Length</c> the server declared, or <see langword="null"/>.</summary>
    public static long? ContentLength(PipelineResponse response)
        => response.Headers.TryGetValue("Content-Length", out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

    private static void Release(byte[] buffer, bool pooled)
    {
        if (pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A body read by <see cref="VllmBodyReader"/>; disposing it returns a pooled buffer.</summary>
/// <param name="Memory">The body (empty when it went over the cap and was not truncated).</param>
/// <param name="Rented">The pooled array behind <paramref name="Memory"/>, or <see langword="null"/>.</param>
/// <param name="TooLarge">Whether the body went over the cap.</param>
internal readonly record struct VllmBody(ReadOnlyMemory<byte> Memory, byte[]? Rented, bool TooLarge) : IDisposable
{
    /// <summary>Returns the pooled buffer, if any; the body must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Rented is not null)
        {
            ArrayPool<byte>.Shared.Return(Rented);
        }
    }
}
