namespace Connectors.Vllm;

/// <summary>The element type vLLM encodes vectors in (its <c>embed_dtype</c>), for the base64 and bytes encodings.
/// The results are always <see cref="float"/>; a 16-bit type halves what travels at a small precision cost.</summary>
public enum VllmEmbedDType
{
    /// <summary>32-bit IEEE float (<c>float32</c>): exact. The default.</summary>
    Float32 = 0,

    /// <summary>16-bit IEEE half (<c>float16</c>).</summary>
    Float16 = 1,

    /// <summary>bfloat16 (<c>bfloat16</c>): the upper 16 bits of a float32.</summary>
    BFloat16 = 2,
}
