using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// Any OpenAI-compatible server the user names with <c>VLLM_BASE_URL</c>: vLLM, or (with <c>VLLM_SERVER_KIND</c>)
/// SGLang, TGI, llama.cpp or LM Studio, whose capability flags decide which scenarios run. Skipped when
/// <c>VLLM_BASE_URL</c> is not set, which is the case in CI.
/// </summary>
public sealed class EnvironmentServerKind : ServerKind
{
    private string _name = "env";

    /// <inheritdoc />
    public override string Name => _name;

    /// <inheritdoc />
    protected override async Task StartAsync()
    {
        var baseUrl = Env("VLLM_BASE_URL");
        if (baseUrl is null)
        {
            SkipReason = "VLLM_BASE_URL is not set. To run the suite against your server: VLLM_BASE_URL=http://127.0.0.1:8000/v1 "
                + "(+ VLLM_API_KEY, VLLM_MODEL, VLLM_SERVER_KIND=vllm|sglang|tgi|llamacpp|lmstudio; see docs/integration-tests.md).";
            return;
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri))
        {
            StartupError = $"VLLM_BASE_URL '{baseUrl}' is not an absolute URL such as http://127.0.0.1:8000/v1.";
            return;
        }

        var kind = (Env("VLLM_SERVER_KIND") ?? "vllm").ToLowerInvariant();
        _name = "env-" + kind;
        var key = Env("VLLM_API_KEY");
        Options = new VllmProviderOptions { BaseUrl = uri, ApiKey = key, AllowPrivateNetwork = true };
        Capabilities = ServerCapabilities.ForServerKind(kind) with
        {
            Tools = Env("VLLM_TOOLS") == "1",
            EnforcesApiKey = key is not null && Env("VLLM_AUTH") != "0",
            EmbeddingDimensions = Env("VLLM_EMBEDDING_DIMENSIONS") is not null,
        };

        ChatModel = Env("VLLM_MODEL") ?? await FirstModelAsync(Options).ConfigureAwait(false);
        ReasoningModel = Env("VLLM_REASONING_MODEL");
        SpeechModel = Env("VLLM_SPEECH_MODEL");
        if (SpeechModel is not null)
        {
            SpeechOptions = Env("VLLM_SPEECH_BASE_URL") is { } speechUrl
                ? new VllmProviderOptions { BaseUrl = new Uri(speechUrl), ApiKey = key, AllowPrivateNetwork = true }
                : Options;
        }

        EmbeddingModel = Env("VLLM_EMBEDDING_MODEL");
        if (EmbeddingModel is not null)
        {
            EmbeddingOptions = Env("VLLM_EMBEDDING_BASE_URL") is { } embeddingUrl
                ? new VllmProviderOptions { BaseUrl = new Uri(embeddingUrl), ApiKey = key, AllowPrivateNetwork = true }
                : Options;
            EmbeddingDimensions = Env("VLLM_EMBEDDING_DIMENSIONS") is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : null;
        }

        VisionModel = Env("VLLM_VISION_MODEL");
        VisionOptions = VisionModel is null ? null : OptionsAt(Env("VLLM_VISION_BASE_URL"), key);
        AudioModel = Env("VLLM_AUDIO_MODEL");
        AudioOptions = AudioModel is null ? null : OptionsAt(Env("VLLM_AUDIO_BASE_URL"), key);
        VideoFile = Env("VLLM_VIDEO_FILE");
    }

    private VllmProviderOptions OptionsAt(string? baseUrl, string? key)
        => baseUrl is null ? Options : new VllmProviderOptions { BaseUrl = new Uri(baseUrl), ApiKey = key, AllowPrivateNetwork = true };

    /// <inheritdoc />
    public override string MediaHowTo => "set VLLM_VISION_MODEL (images and video; VLLM_VISION_BASE_URL when it runs on another server) "
        + "or VLLM_AUDIO_MODEL (audio in chat; VLLM_AUDIO_BASE_URL), and VLLM_VIDEO_FILE (a short mp4) for the video scenario.";

    internal static string? Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    internal static async Task<string> FirstModelAsync(VllmProviderOptions options)
    {
        using var discovery = new VllmModelDiscovery(options);
        var models = await discovery.GetModelsAsync().ConfigureAwait(false);
        return models.FirstOrDefault(m => m.Parent is null)?.Id
            ?? throw new InvalidOperationException($"{options.BaseUrl}models lists no model; set VLLM_MODEL.");
    }
}
