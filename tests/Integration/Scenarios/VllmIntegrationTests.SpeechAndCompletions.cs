// Microsoft.Extensions.AI marks its speech-to-text abstractions experimental (MEAI001); these scenarios exercise them.
#pragma warning disable MEAI001
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextGeneration;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Speech to text (/v1/audio/transcriptions, /v1/audio/translations) and text completions (/v1/completions).</content>
public abstract partial class VllmIntegrationTests
{
    private const string NoSpeechModel = "no speech-to-text model is configured (VLLM_SPEECH_MODEL, and VLLM_SPEECH_BASE_URL when it is served elsewhere; "
        + "for the container kind VLLM_CONTAINER_SPEECH_MODEL=openai/whisper-large-v3-turbo).";

    [Fact]
    public async Task GetTextAsync_SpeechModel_StreamedTextEqualsWholeTranscript()
    {
        Require(Kind.SpeechModel is not null, NoSpeechModel);
        using var client = new VllmSpeechToTextClient(Kind.SpeechOptions!, Kind.SpeechModel);
        var options = new SpeechToTextOptions { SpeechLanguage = "en", AdditionalProperties = new() { ["temperature"] = 0.0 } };

        var whole = await client.GetTextAsync(new MemoryStream(VllmTestAudio.SilentWav(2)), options, Ct);
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(VllmTestAudio.SilentWav(2)), options, Ct))
        {
            updates.Add(update);
        }

        Assert.NotNull(whole.Text);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2L, whole.Usage?.AdditionalCounts?["audio_seconds"]);
        Assert.True(updates[^1].Contents.OfType<UsageContent>().Single().Details.InputTokenCount > 0, "streamed usage at the end");
    }

    [Fact]
    public async Task GetTextAsync_SpeechModelTranslation_UsesTranslationsRoute()
    {
        Require(Kind.SpeechModel is not null, NoSpeechModel);
        using var client = new VllmSpeechToTextClient(Kind.SpeechOptions!, Kind.SpeechModel);

        var response = await client.GetTextAsync(new MemoryStream(VllmTestAudio.SilentWav(1)), new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "en" }, Ct);

        Assert.NotNull(response.Text);
        if (Kind.TestServer is { } server)
        {
            Assert.Equal("/v1/audio/translations", server.Requests[^1].Path);
        }
    }

    [Fact]
    public async Task GetTextContentsAsync_TextGeneration_CompletesPromptWithUsageStreamedAndNot()
    {
        RequireKind();
        var kernel = Kernel.CreateBuilder().AddVllmTextGeneration(Kind.Options, Kind.ChatModel).Build();
        var service = kernel.GetRequiredService<ITextGenerationService>();
        var settings = new VllmPromptExecutionSettings { MaxTokens = 8, Temperature = 0, Seed = 7 };

        var whole = Assert.Single(await service.GetTextContentsAsync("The capital of France is", settings, kernel, Ct));
        var chunks = new List<StreamingTextContent>();
        await foreach (var chunk in service.GetStreamingTextContentsAsync("The capital of France is", settings, kernel, Ct))
        {
            chunks.Add(chunk);
        }

        Assert.False(string.IsNullOrEmpty(whole.Text));
        Assert.Contains(whole.Metadata!["FinishReason"] as string, new[] { "stop", "length" });
        Assert.True(((UsageDetails)whole.Metadata["Usage"]!).OutputTokenCount is > 0 and <= 8);
        Assert.Equal(whole.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.IsType<UsageDetails>(chunks[^1].Metadata!["Usage"]);
    }
}
