using System.IO;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// A JSON request body held in memory, written by this library (or already rewritten by <see cref="VllmPayloadPolicy"/>):
/// the policy leaves it alone, and the retry policy sends the same bytes again.
/// </summary>
internal sealed class VllmJsonContent : BinaryContent
{
    public VllmJsonContent(ReadOnlyMemory<byte> json) => Json = json;

    /// <summary>Gets the UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    public override bool TryComputeLength(out long length)
    {
        length = Json.Length;
        return true;
    }

    public override void WriteTo(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Json.Span);
    }

    public override async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Json, cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        // Nothing pooled: the bytes belong to a plain array.
    }
}
