using System;
using System.Buffers;
using System.ClientModel.Primitives;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Http;

/// <summary>Reads a whole non-streamed response body with a size cap, turning a broken or stalled body into <see cref="VllmException"/>.</summary>
internal static class VllmBodyReader
{
    /// <summary>Reads <paramref name="response"/>'s body; stops at <paramref name="limit"/> bytes.</summary>
    /// <param name="response">A response requested with <c>BufferResponse = false</c>.</param>
    /// <param name="limit">The cap in bytes.</param>
    /// <param name="truncate">True to return the first <paramref name="limit"/> bytes instead of failing (error bodies).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The body.</returns>
    /// <exception cref="VllmException">The body is larger than the cap, the connection broke, or no data came within the read timeout.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(PipelineResponse response, long limit, bool truncate, CancellationToken cancellationToken)
    {
        var stream = response.ContentStream;
        if (stream is null)
        {
            return response.Content.ToMemory();
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenMemory;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    if (truncate)
                    {
                        return buffer.WrittenMemory[..(int)limit];
                    }

                    throw new VllmException(
                        null,
                        $"The server's answer is larger than MaxResponseBytes ({limit.ToString(CultureInfo.InvariantCulture)} bytes).",
                        "Raise Vllm:MaxResponseBytes, or send less per call.");
                }
            }
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Broken(buffer.WrittenCount, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Broken(buffer.WrittenCount, "no data within FirstByteTimeout", ex);
        }
    }

    /// <summary>The exception for a body that broke off (connection reset, or stalled past the read timeout).</summary>
    public static VllmException Broken(long bytesRead, string reason, Exception inner)
        => new(
            null,
            $"The answer broke off after {bytesRead.ToString(CultureInfo.InvariantCulture)} bytes: {reason}.",
            "The server or a proxy closed or stalled the connection; see the vLLM server log, or raise Vllm:FirstByteTimeout for slow answers.",
            inner);
}
