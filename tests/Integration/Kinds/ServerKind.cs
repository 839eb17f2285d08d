using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// One kind of server the suite runs against, started once per test class (an xunit class fixture). A kind that cannot
/// run says why in <see cref="SkipReason"/> (every scenario then skips with it); a kind that was asked to run but could
/// not start says why in <see cref="StartupError"/> (every scenario then fails with it).
/// </summary>
public abstract class ServerKind : IAsyncLifetime
{
    private EvaluationRecorder? _recorder;

    /// <summary>Gets the kind's name, used in skip messages and as the evaluation file name.</summary>
    public abstract string Name { get; }

    /// <summary>Gets why this kind does not run here and how to enable it, or <see langword="null"/> when it runs.</summary>
    public string? SkipReason { get; protected set; }

    /// <summary>Gets why this kind was asked to run but could not start, or <see langword="null"/>.</summary>
    public string? StartupError { get; protected set; }

    /// <summary>Gets where the chat (and tokenizer, discovery, health) scenarios send their requests.</summary>
    public VllmProviderOptions Options { get; protected set; } = new();

    /// <summary>Gets where the embedding scenarios send their requests (vLLM serves one task per server, so it can be another server).</summary>
    public VllmProviderOptions? EmbeddingOptions { get; protected set; }

    /// <summary>Gets the chat model id.</summary>
    public string ChatModel { get; protected set; } = string.Empty;

    /// <summary>Gets a model served with a reasoning parser, or <see langword="null"/>.</summary>
    public string? ReasoningModel { get; protected set; }

    /// <summary>Gets the embedding model id, or <see langword="null"/>.</summary>
    public string? EmbeddingModel { get; protected set; }

    /// <summary>Gets the Matryoshka size to request from the embedding model, or <see langword="null"/> when it has none.</summary>
    public int? EmbeddingDimensions { get; protected set; }

    /// <summary>Gets a speech-to-text (Whisper-like) model, or <see langword="null"/> when none is configured.</summary>
    public string? SpeechModel { get; protected set; }

    /// <summary>Gets where the speech-to-text scenarios send their requests (a Whisper server serves nothing else).</summary>
    public VllmProviderOptions? SpeechOptions { get; protected set; }

    /// <summary>Gets a model that takes images and video (e.g. Qwen/Qwen2.5-VL-3B-Instruct), or <see langword="null"/>.</summary>
    public string? VisionModel { get; protected set; }

    /// <summary>Gets where the image and video scenarios send their requests (vLLM serves one model per server).</summary>
    public VllmProviderOptions? VisionOptions { get; protected set; }

    /// <summary>Gets a model that takes audio in chat (e.g. fixie-ai/ultravox-v0_5-llama-3_2-1b), or <see langword="null"/>.</summary>
    public string? AudioModel { get; protected set; }

    /// <summary>Gets where the audio-in-chat scenarios send their requests.</summary>
    public VllmProviderOptions? AudioOptions { get; protected set; }

    /// <summary>Gets a short video file (mp4) for the video scenario on a real server, or <see langword="null"/> (the test server
    /// takes any bytes).</summary>
    public string? VideoFile { get; protected set; }

    /// <summary>Gets how to configure the media models of this kind, for skip messages.</summary>
    public virtual string MediaHowTo => "this kind has no vision or audio model.";

    /// <summary>Gets the server version this kind is expected to report, or <see langword="null"/> when not known in advance.</summary>
    public string? ExpectedVersion { get; protected set; }

    /// <summary>Gets what the server can do.</summary>
    internal ServerCapabilities Capabilities { get; set; } = ServerCapabilities.Vllm;

    /// <summary>Gets the in-process test server behind this kind, when it is one (to observe requests on the wire).</summary>
    public VllmTestServer? TestServer { get; protected set; }

    internal EvaluationRecorder Evaluations => _recorder ??= new EvaluationRecorder(Name);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StartupError = $"{Name}: could not start: {ex.GetType().Name}: {ex.Message}";
        }

        Evaluations.Describe(Facts(), SkipReason ?? StartupError);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the server or reads its configuration; sets <see cref="SkipReason"/> when this kind does not run here.</summary>
    protected abstract Task StartAsync();

    /// <summary>Stops what <see cref="StartAsync"/> started.</summary>
    protected virtual ValueTask StopAsync() => ValueTask.CompletedTask;

    private Dictionary<string, string> Facts()
    {
        var facts = new Dictionary<string, string>
        {
            ["chatModel"] = ChatModel,
            ["reasoningModel"] = ReasoningModel ?? "(none)",
            ["embeddingModel"] = EmbeddingModel ?? "(none)",
            ["speechModel"] = SpeechModel ?? "(none)",
            ["visionModel"] = VisionModel ?? "(none)",
            ["audioModel"] = AudioModel ?? "(none)",
            ["capabilities"] = Capabilities.Describe(),
        };
        if (SkipReason is null && StartupError is null)
        {
            facts["baseUrl"] = Options.BaseUrl.ToString();
        }

        if (ExpectedVersion is not null)
        {
            facts["version"] = ExpectedVersion;
        }

        return facts;
    }
}
