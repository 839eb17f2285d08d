using System;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Adds a vLLM server to an Aspire AppHost and configures it: the model, the name it is served under, its API key, a
/// Hugging Face token and cache volume, the GPU and any other <c>vllm serve</c> arguments.
/// </summary>
/// <remarks>
/// <code>
/// var key = builder.AddParameter("vllm-key", secret: true);
/// var vllm = builder.AddVllm("vllm")
///     .WithModel("Qwen/Qwen3-0.6B")
///     .WithApiKey(key)
///     .WithDataVolume()
///     .WithGpuSupport()
///     .WithVllmArgs("--max-model-len", "8192", "--enable-auto-tool-choice", "--tool-call-parser", "hermes");
/// builder.AddProject&lt;Projects.Api&gt;("api").WithReference(vllm).WaitFor(vllm);
/// </code>
/// </remarks>
public static class VllmResourceBuilderExtensions
{
    /// <summary>Where the image keeps the Hugging Face cache (the downloaded weights).</summary>
    private const string HuggingFaceCachePath = "/root/.cache/huggingface";

    /// <summary>
    /// Adds a vLLM container (<c>vllm/vllm-openai</c>, pinned tag) serving vLLM's OpenAI-compatible API on its <c>http</c>
    /// endpoint (container port 8000), healthy once <c>GET /health</c> answers 200, i.e. once the model is loaded.
    /// </summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The resource name; a referencing project finds the connection string under it.</param>
    /// <param name="port">The host port; <see langword="null"/> for one Aspire picks.</param>
    /// <returns>The resource builder, to chain <see cref="WithModel"/>, <see cref="WithGpuSupport"/> and the others.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The default image needs an NVIDIA GPU: add <see cref="WithGpuSupport"/>. Without one, run vLLM's CPU image
    /// instead: <c>.WithImageRegistry("public.ecr.aws").WithImage("q9t5s3a7/vllm-cpu-release-repo", "v0.27.1")</c>
    /// (slow; for small models). The container runs with <c>--ipc=host</c>, as vLLM's Docker guide asks (PyTorch shares
    /// memory between processes).
    /// </remarks>
    public static IResourceBuilder<VllmResource> AddVllm(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);

        var resource = new VllmResource(name);
        return builder.AddResource(resource)
            .WithImage(VllmContainerImageTags.Image, VllmContainerImageTags.Tag)
            .WithImageRegistry(VllmContainerImageTags.Registry)
            .WithIconName("BrainCircuit")
            .WithHttpEndpoint(port: port, targetPort: VllmResource.DefaultTargetPort, name: VllmResource.PrimaryEndpointName)
            .WithHttpHealthCheck("/health")
            .WithContainerRuntimeArgs("--ipc=host")
            .WithArgs(context =>
            {
                // Read when the container starts, so the order of the builder calls does not matter.
                if (resource.Model is { } model)
                {
                    context.Args.Add("--model");
                    context.Args.Add(model);
                }

                if (resource.ServedModelName is { } served)
                {
                    context.Args.Add("--served-model-name");
                    context.Args.Add(served);
                }
            });
    }

    /// <summary>Sets the model the server loads (<c>--model</c>): a Hugging Face id such as <c>Qwen/Qwen3-0.6B</c>, or a path in the container.</summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="model">The model. It is also the <c>Model</c> of the connection string unless <see cref="WithServedModelName"/> names another.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty, white space, or contains <c>;</c> (it would break the connection string).</exception>
    public static IResourceBuilder<VllmResource> WithModel(this IResourceBuilder<VllmResource> builder, string model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Model = CheckName(model, nameof(model));
        return builder;
    }

    /// <summary>Sets the name the server answers to (<c>--served-model-name</c>); clients send it as <c>model</c>, and it is the <c>Model</c> of the connection string.</summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="name">The served name, for example <c>chat</c>.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, white space, or contains <c>;</c>.</exception>
    public static IResourceBuilder<VllmResource> WithServedModelName(this IResourceBuilder<VllmResource> builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.ServedModelName = CheckName(name, nameof(name));
        return builder;
    }

    /// <summary>
    /// Makes the server require an API key (<c>VLLM_API_KEY</c>; vLLM then answers 401 on <c>/v1</c> without it) and adds it to
    /// the connection string as <c>Key</c>.
    /// </summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="apiKey">A secret parameter: <c>builder.AddParameter("vllm-key", secret: true)</c>.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="apiKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is not a secret parameter (its value would show in the dashboard and manifest).</exception>
    /// <remarks>The key travels as an environment variable, not a command-line argument, so that it does not show in the container's arguments.</remarks>
    public static IResourceBuilder<VllmResource> WithApiKey(this IResourceBuilder<VllmResource> builder, IResourceBuilder<ParameterResource> apiKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(apiKey);
        RequireSecret(apiKey, nameof(apiKey), "API key");

        builder.Resource.ApiKeyParameter = apiKey.Resource;
        return builder.WithEnvironment("VLLM_API_KEY", apiKey);
    }

    /// <summary>Passes a Hugging Face token to the server (<c>HF_TOKEN</c>), needed to download gated models.</summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="token">A secret parameter: <c>builder.AddParameter("hf-token", secret: true)</c>.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="token"/> is not a secret parameter.</exception>
    public static IResourceBuilder<VllmResource> WithHuggingFaceToken(this IResourceBuilder<VllmResource> builder, IResourceBuilder<ParameterResource> token)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(token);
        RequireSecret(token, nameof(token), "Hugging Face token");

        return builder.WithEnvironment("HF_TOKEN", token);
    }

    /// <summary>Keeps the Hugging Face cache (<c>/root/.cache/huggingface</c>: the downloaded weights) in a named volume, so a restart does not download the model again.</summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="name">The volume name; <see langword="null"/> for one derived from the application and resource names.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IResourceBuilder<VllmResource> WithDataVolume(this IResourceBuilder<VllmResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "hf-cache"), HuggingFaceCachePath);
    }

    /// <summary>
    /// Gives the container all NVIDIA GPUs: <c>--gpus all</c> with Docker, <c>--device nvidia.com/gpu=all</c> (CDI) with
    /// Podman. The runtime is the one Aspire is told to use (<c>ASPIRE_CONTAINER_RUNTIME</c>, Docker by default).
    /// </summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Docker needs the NVIDIA Container Toolkit; Podman needs its CDI specification (<c>nvidia-ctk cdi generate</c>).</remarks>
    public static IResourceBuilder<VllmResource> WithGpuSupport(this IResourceBuilder<VllmResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.ApplicationBuilder.Configuration;
        return builder.WithContainerRuntimeArgs(context =>
        {
            // Read when the container starts: the runtime may be configured after this call.
            if (IsPodman(configuration))
            {
                context.Args.Add("--device");
                context.Args.Add("nvidia.com/gpu=all");
            }
            else
            {
                context.Args.Add("--gpus");
                context.Args.Add("all");
            }
        });
    }

    /// <summary>
    /// Adds <c>vllm serve</c> arguments after the model, for example <c>"--max-model-len", "8192"</c>,
    /// <c>"--enable-auto-tool-choice", "--tool-call-parser", "hermes"</c> or <c>"--reasoning-parser", "qwen3"</c>.
    /// </summary>
    /// <param name="builder">The vLLM resource.</param>
    /// <param name="args">The arguments, one element per word.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="args"/> is <see langword="null"/>.</exception>
    /// <remarks>Use <see cref="WithModel"/>, <see cref="WithServedModelName"/> and <see cref="WithApiKey"/> rather than their flags, so that the connection string knows them.</remarks>
    public static IResourceBuilder<VllmResource> WithVllmArgs(this IResourceBuilder<VllmResource> builder, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        return builder.WithArgs(args);
    }

    private static string CheckName(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (value.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{value}' contains ';', which would break the connection string (Endpoint=…;Model=…;Key=…).", paramName);
        }

        return value;
    }

    private static void RequireSecret(IResourceBuilder<ParameterResource> parameter, string paramName, string what)
    {
        if (!parameter.Resource.Secret)
        {
            throw new ArgumentException(
                $"The {what} parameter '{parameter.Resource.Name}' is not secret, so its value would show in the dashboard and the "
                + $"manifest. Declare it with builder.AddParameter(\"{parameter.Resource.Name}\", secret: true).",
                paramName);
        }
    }

    private static bool IsPodman(IConfiguration configuration) =>
        string.Equals(
            configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"],
            "podman",
            StringComparison.OrdinalIgnoreCase);
}
