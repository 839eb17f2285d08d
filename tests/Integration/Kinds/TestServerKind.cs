using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// The in-process test server (Connectors.Vllm.Testing) in strict mode, emulating one vLLM version: it answers 400 to
/// any field that version does not accept, so the suite also proves the client sends nothing vLLM would ignore.
/// Always runs; binds 127.0.0.1 only.
/// </summary>
public abstract class TestServerKind : ServerKind
{
    internal const string ChatModelId = "test-chat";
    internal const string ReasoningModelId = "test-reasoner";
    internal const string EmbeddingModelId = "test-embedder";
    internal const string SpeechModelId = "test-whisper";
    internal const string VisionModelId = "test-vision";
    internal const string AudioModelId = "test-audio";
    internal const int EmbeddingSize = 384;

    /// <summary>Gets the vLLM version the server emulates.</summary>
    protected abstract string ServerVersion { get; }

    /// <inheritdoc />
    protected override async Task StartAsync()
    {
        // A per-run random key: the bad-key scenario needs a server that enforces one.
        var key = NewKey();
        var options = ServerOptions(ServerVersion, key);
        TestServer = await VllmTestServer.StartAsync(options).ConfigureAwait(false);

        Options = new VllmProviderOptions { BaseUrl = TestServer.BaseUrl, ApiKey = key, AllowPrivateNetwork = true };
        EmbeddingOptions = Options;
        ChatModel = ChatModelId;
        ReasoningModel = ReasoningModelId;
        EmbeddingModel = EmbeddingModelId;
        SpeechOptions = Options;
        SpeechModel = SpeechModelId;
        EmbeddingDimensions = 64;
        VisionModel = VisionModelId;
        VisionOptions = Options;
        AudioModel = AudioModelId;
        AudioOptions = Options;
        ExpectedVersion = ServerVersion;
        Capabilities = ServerCapabilities.Vllm with { Tools = true, EnforcesApiKey = true, EmbeddingDimensions = true };
    }

    /// <summary>A per-run random API key.</summary>
    internal static string NewKey() => "test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>The suite's server: strict, enforcing <paramref name="key"/>, serving the chat, reasoning and embedding models.</summary>
    internal static VllmTestServerOptions ServerOptions(string version, string key)
    {
        var options = new VllmTestServerOptions
        {
            ServerVersion = version,
            Strict = true,
            ApiKey = key,
            EnableAutoToolChoice = true,
            ToolCallParser = "hermes",
        };
        options.Models.Add(VllmTestModel.Chat(ChatModelId, maxModelLen: 4096));
        options.Models.Add(VllmTestModel.Reasoning(ReasoningModelId, maxModelLen: 4096));
        options.Models.Add(VllmTestModel.Embedding(EmbeddingModelId, EmbeddingSize, supportsMatryoshka: true));
        options.Models.Add(VllmTestModel.Transcription(SpeechModelId));

        // As on vLLM: the chat model takes text only, a vision model images and video, an audio model audio.
        options.Models[0].Modalities = [];
        options.Models.Add(new VllmTestModel(VisionModelId) { MaxModelLen = 4096, Modalities = ["image", "video"] });
        options.Models.Add(new VllmTestModel(AudioModelId) { MaxModelLen = 4096, Modalities = ["audio"] });
        return options;
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        if (TestServer is not null)
        {
            await TestServer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
