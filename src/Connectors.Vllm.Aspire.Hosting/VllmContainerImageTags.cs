namespace Aspire.Hosting;

/// <summary>The container images <see cref="VllmResourceBuilderExtensions.AddVllm"/> runs.</summary>
/// <remarks>
/// The tag is the vLLM release the library's wire reference and container tests are written against; a newer one is a
/// one-line <c>.WithImageTag("v…")</c> away. The CPU build is published under another registry and repository.
/// </remarks>
internal static class VllmContainerImageTags
{
    /// <summary>The registry of the CUDA image.</summary>
    public const string Registry = "docker.io";

    /// <summary>The CUDA image (runs only with an NVIDIA GPU: add <c>WithGpuSupport()</c>).</summary>
    public const string Image = "vllm/vllm-openai";

    /// <summary>The pinned release of both images.</summary>
    public const string Tag = "v0.27.1";

    /// <summary>The registry of vLLM's CPU image.</summary>
    public const string CpuRegistry = "public.ecr.aws";

    /// <summary>vLLM's CPU image (x86-64 with AVX-512 or ARM64; slow, for small models).</summary>
    public const string CpuImage = "q9t5s3a7/vllm-cpu-release-repo";
}
