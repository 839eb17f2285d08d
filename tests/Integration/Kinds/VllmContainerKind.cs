using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// A real vLLM in a container (Testcontainers), started only when <c>VLLM_CONTAINER=1</c> and a Docker engine answers.
/// GPU by default (all GPUs requested); <c>VLLM_CONTAINER_CPU=1</c> uses vLLM's CPU image. A second container serves the
/// embedding model when <c>VLLM_CONTAINER_EMBEDDING_MODEL</c> is set, a third the speech-to-text model when
/// <c>VLLM_CONTAINER_SPEECH_MODEL</c> is set (for example <c>openai/whisper-large-v3-turbo</c>; vLLM serves one task per server).
/// See docs/integration-tests.md for the commands.
/// </summary>
public sealed class VllmContainerKind : ServerKind
{
    private const int Port = 8000;
    private readonly List<IContainer> _containers = [];

    /// <inheritdoc />
    public override string Name => "container";

    /// <inheritdoc />
    protected override async Task StartAsync()
    {
        if (EnvironmentServerKind.Env("VLLM_CONTAINER") != "1")
        {
            SkipReason = "VLLM_CONTAINER is not 1. To run the suite against a real vLLM in Docker (GPU): VLLM_CONTAINER=1 "
                + "(+ VLLM_CONTAINER_MODEL, VLLM_CONTAINER_IMAGE, VLLM_CONTAINER_CPU=1 for the CPU image; see docs/integration-tests.md).";
            return;
        }

        if (await DockerEngine.UnavailableReasonAsync().ConfigureAwait(false) is { } reason)
        {
            SkipReason = "VLLM_CONTAINER=1 but " + reason;
            return;
        }

        var cpu = EnvironmentServerKind.Env("VLLM_CONTAINER_CPU") == "1";
        var image = EnvironmentServerKind.Env("VLLM_CONTAINER_IMAGE")
            ?? (cpu ? "public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.27.1" : "vllm/vllm-openai:v0.27.1");
        var model = EnvironmentServerKind.Env("VLLM_CONTAINER_MODEL") ?? "Qwen/Qwen3-0.6B";
        var key = "container-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var embeddingModel = EnvironmentServerKind.Env("VLLM_CONTAINER_EMBEDDING_MODEL");
        var startup = TimeSpan.FromMinutes(double.Parse(EnvironmentServerKind.Env("VLLM_CONTAINER_STARTUP_MINUTES") ?? "20", CultureInfo.InvariantCulture));

        // One GPU shared by two servers needs each to take only part of its memory.
        var chatArgs = new List<string>
        {
            "--model", model, "--api-key", key, "--max-model-len", EnvironmentServerKind.Env("VLLM_CONTAINER_MAX_MODEL_LEN") ?? "4096",
            "--enable-auto-tool-choice", "--tool-call-parser", EnvironmentServerKind.Env("VLLM_CONTAINER_TOOL_PARSER") ?? "hermes",
        };
        if (EnvironmentServerKind.Env("VLLM_CONTAINER_REASONING_PARSER") is not "none")
        {
            chatArgs.AddRange(["--reasoning-parser", EnvironmentServerKind.Env("VLLM_CONTAINER_REASONING_PARSER") ?? "qwen3"]);
        }

        if (!cpu)
        {
            chatArgs.AddRange(["--gpu-memory-utilization", embeddingModel is null ? "0.85" : "0.55"]);
        }

        chatArgs.AddRange(Split(EnvironmentServerKind.Env("VLLM_CONTAINER_ARGS")));
        var chatUrl = await StartContainerAsync(image, chatArgs, cpu, startup).ConfigureAwait(false);

        Options = new VllmProviderOptions { BaseUrl = chatUrl, ApiKey = key, AllowPrivateNetwork = true };
        ChatModel = model;
        ReasoningModel = EnvironmentServerKind.Env("VLLM_CONTAINER_REASONING_PARSER") is "none" ? null : model;
        Capabilities = ServerCapabilities.Vllm with { Tools = true, EnforcesApiKey = true };

        if (embeddingModel is not null)
        {
            var embeddingArgs = new List<string> { "--model", embeddingModel, "--api-key", key };
            if (!cpu)
            {
                embeddingArgs.AddRange(["--gpu-memory-utilization", "0.3"]);
            }

            embeddingArgs.AddRange(Split(EnvironmentServerKind.Env("VLLM_CONTAINER_EMBEDDING_ARGS")));
            var embeddingUrl = await StartContainerAsync(image, embeddingArgs, cpu, startup).ConfigureAwait(false);
            EmbeddingOptions = new VllmProviderOptions { BaseUrl = embeddingUrl, ApiKey = key, AllowPrivateNetwork = true };
            EmbeddingModel = embeddingModel;
            EmbeddingDimensions = EnvironmentServerKind.Env("VLLM_CONTAINER_EMBEDDING_DIMENSIONS") is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : null;
            Capabilities = Capabilities with { EmbeddingDimensions = EmbeddingDimensions is not null };
        }

        await StartSpeechAsync(image, key, cpu, startup).ConfigureAwait(false);
        (VisionModel, VisionOptions) = await StartMediaAsync("VLLM_CONTAINER_VISION_MODEL", image, key, cpu, startup).ConfigureAwait(false);
        (AudioModel, AudioOptions) = await StartMediaAsync("VLLM_CONTAINER_AUDIO_MODEL", image, key, cpu, startup).ConfigureAwait(false);
        VideoFile = EnvironmentServerKind.Env("VLLM_VIDEO_FILE");
    }

    /// <inheritdoc />
    public override string MediaHowTo => "set VLLM_CONTAINER_VISION_MODEL (images and video, e.g. Qwen/Qwen2.5-VL-3B-Instruct) or "
        + "VLLM_CONTAINER_AUDIO_MODEL (audio in chat, e.g. fixie-ai/ultravox-v0_5-llama-3_2-1b), each served by its own container, "
        + "and VLLM_VIDEO_FILE (a short mp4) for the video scenario.";

    /// <summary>Starts a container for a media model named by <paramref name="variable"/>, when set.</summary>
    private async Task<(string? Model, VllmProviderOptions? Options)> StartMediaAsync(string variable, string image, string key, bool cpu, TimeSpan startup)
    {
        if (EnvironmentServerKind.Env(variable) is not { } model)
        {
            return (null, null);
        }

        var args = new List<string> { "--model", model, "--api-key", key, "--max-model-len", EnvironmentServerKind.Env("VLLM_CONTAINER_MAX_MODEL_LEN") ?? "4096" };
        if (!cpu)
        {
            args.AddRange(["--gpu-memory-utilization", EnvironmentServerKind.Env("VLLM_CONTAINER_MEDIA_GPU_MEMORY") ?? "0.3"]);
        }

        args.AddRange(Split(EnvironmentServerKind.Env(variable + "_ARGS")));
        var url = await StartContainerAsync(image, args, cpu, startup).ConfigureAwait(false);
        return (model, new VllmProviderOptions { BaseUrl = url, ApiKey = key, AllowPrivateNetwork = true });
    }

    /// <summary>Starts the Whisper-like model named by <c>VLLM_CONTAINER_SPEECH_MODEL</c> in its own container (the
    /// transcription task has no chat route).</summary>
    private async Task StartSpeechAsync(string image, string key, bool cpu, TimeSpan startup)
    {
        if (EnvironmentServerKind.Env("VLLM_CONTAINER_SPEECH_MODEL") is not { } speechModel)
        {
            return;
        }

        var args = new List<string> { "--model", speechModel, "--api-key", key };
        if (!cpu)
        {
            args.AddRange(["--gpu-memory-utilization", "0.1"]);
        }

        args.AddRange(Split(EnvironmentServerKind.Env("VLLM_CONTAINER_SPEECH_ARGS")));
        var url = await StartContainerAsync(image, args, cpu, startup).ConfigureAwait(false);
        SpeechOptions = new VllmProviderOptions { BaseUrl = url, ApiKey = key, AllowPrivateNetwork = true };
        SpeechModel = speechModel;
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<Uri> StartContainerAsync(string image, List<string> args, bool cpu, TimeSpan startup)
    {
        var builder = new ContainerBuilder(image)
            .WithPortBinding(Port, assignRandomHostPort: true)
            .WithCommand([.. args])
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(Port).ForPath("/health"), w => w.WithTimeout(startup)))
            .WithCreateParameterModifier(p =>
            {
                var host = p.HostConfig ??= new HostConfig();
                host.IpcMode = "host";
                if (!cpu)
                {
                    host.DeviceRequests = [new DeviceRequest { Driver = "nvidia", Count = -1, Capabilities = [["gpu"]] }];
                }
            });
        if (EnvironmentServerKind.Env("HF_TOKEN") is { } token)
        {
            builder = builder.WithEnvironment("HF_TOKEN", token);
        }

        var cache = EnvironmentServerKind.Env("VLLM_CONTAINER_HF_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        Directory.CreateDirectory(cache);
        builder = builder.WithBindMount(cache, "/root/.cache/huggingface");

        var container = builder.Build();
        _containers.Add(container);
        await container.StartAsync().ConfigureAwait(false);
        var host = container.Hostname is "localhost" ? "127.0.0.1" : container.Hostname;
        return new Uri($"http://{host}:{container.GetMappedPublicPort(Port).ToString(CultureInfo.InvariantCulture)}/v1");
    }

    private static IEnumerable<string> Split(string? args) =>
        args?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Enumerable.Empty<string>();
}
