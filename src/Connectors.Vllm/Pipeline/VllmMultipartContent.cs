using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// A <c>multipart/form-data</c> body (vLLM's speech-to-text routes): text fields, then one file part. The fields are
/// encoded once; the file's bytes are written straight from the caller's memory into the request stream, never copied
/// into a second buffer, and written again for a retry.
/// </summary>
internal sealed class VllmMultipartContent : BinaryContent
{
    private readonly byte[] _head;
    private readonly ReadOnlyMemory<byte> _file;
    private readonly byte[] _tail;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="fields">The text fields, in order (a name may repeat, as for <c>timestamp_granularities[]</c>).</param>
    /// <param name="fileField">The file part's field name.</param>
    /// <param name="fileName">The file part's file name (vLLM needs one to see a file; it does not use it).</param>
    /// <param name="fileContentType">The file part's media type.</param>
    /// <param name="file">The file's bytes.</param>
    public VllmMultipartContent(IEnumerable<KeyValuePair<string, string>> fields, string fileField, string fileName, string fileContentType, ReadOnlyMemory<byte> file)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Boundary = "vllm-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var head = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            head.Append("--").Append(Boundary).Append("\r\n")
                .Append("Content-Disposition: form-data; name=\"").Append(Escape(name)).Append("\"\r\n\r\n")
                .Append(value).Append("\r\n");
        }

        head.Append("--").Append(Boundary).Append("\r\n")
            .Append("Content-Disposition: form-data; name=\"").Append(Escape(fileField)).Append("\"; filename=\"").Append(Escape(fileName)).Append("\"\r\n")
            .Append("Content-Type: ").Append(fileContentType).Append("\r\n\r\n");
        _head = Encoding.UTF8.GetBytes(head.ToString());
        _file = file;
        _tail = Encoding.UTF8.GetBytes("\r\n--" + Boundary + "--\r\n");
    }

    /// <summary>Gets the boundary between the parts.</summary>
    public string Boundary { get; }

    /// <summary>Gets the <c>Content-Type</c> header value (with the boundary).</summary>
    public string ContentType => "multipart/form-data; boundary=" + Boundary;

    public override bool TryComputeLength(out long length)
    {
        length = _head.Length + _file.Length + _tail.Length;
        return true;
    }

    public override void WriteTo(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_head);
        stream.Write(_file.Span);
        stream.Write(_tail);
    }

    public override async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(_head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(_file, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(_tail, cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        // Nothing pooled: the file's memory belongs to the caller.
    }

    /// <summary>Quotes and line breaks cannot appear inside a quoted header parameter.</summary>
    private static string Escape(string value) => value.Replace("\"", "%22", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
}
