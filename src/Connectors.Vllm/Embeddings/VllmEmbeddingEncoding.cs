namespace Connectors.Vllm;

/// <summary>How embedding vectors travel from vLLM to <see cref="VllmEmbeddingGenerator"/>.</summary>
public enum VllmEmbeddingEncoding
{
    /// <summary>Base64 of the raw vectors inside the JSON answer (<c>encoding_format: "base64"</c>), decoded straight into the
    /// result arrays. The default: every OpenAI-compatible server supports it.</summary>
    Base64 = 0,

    /// <summary>vLLM's binary answer (<c>encoding_format: "bytes"</c>): the raw vectors are the body and the metadata travels in
    /// the <c>metadata</c> response header. About a quarter smaller than base64 and needs no text decoding; vLLM only (0.11.1 or
    /// later; on an older vLLM the generator falls back to <see cref="Base64"/>).</summary>
    Bytes = 1,

    /// <summary>Plain JSON numbers (<c>encoding_format: "float"</c>): the slowest; for servers that support nothing else.</summary>
    Float = 2,
}
