namespace Aspire.Hosting;

/// <summary>The container images <see cref="VllmResourceBuilderExtensions.AddVllm"/> runs.</summary>
/// <remarks>
/// The tag is the vLLM release the library's wire reference and container tests are written against; a newer one is a
/// one-line <c>.WithImageTag("v…")</c> away. vLLM's CPU build (<c>public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo</c>) is
/// chosen with Aspire's own <c>WithImageRegistry</c>/<c>WithImage</c> (see <see cref="VllmResourceBuilderExtensions.AddVllm"/>).
/// </remarks>
internal static class VllmContainerImageTags
{
    /// <summary>The registry of the CUDA image.</summary>
    public const string Registry = "docker.io";

    /// <summary>The CUDA image (runs only with an NVIDIA GPU: add <c>WithGpuSupport()</c>).</summary>
    public const string Image = "vllm/vllm-openai";

    /// <summary>The pinned release.</summary>
    public const string Tag = "v0.27.1";
}
