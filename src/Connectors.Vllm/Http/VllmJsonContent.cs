using System;
using System.ClientModel;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Http;

/// <summary>
/// A JSON request body held in memory. Lets <see cref="VllmPayloadPolicy"/> read the bytes without a copy and
/// lets the retry policy send the same body again.
/// </summary>
internal sealed class VllmJsonContent : BinaryContent
{
    public VllmJsonContent(ReadOnlyMemory<byte> json, bool reasoningEffortAllowed = false)
    {
        Json = json;
        ReasoningEffortAllowed = reasoningEffortAllowed;
    }

    /// <summary>Gets the UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>Gets whether the body's <c>reasoning_effort</c> was written on purpose (the caller asked, and the model is not declared Reasoning = false).</summary>
    public bool ReasoningEffortAllowed { get; }

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
