// Semantic Kernel marks IAudioToTextService and AudioContent experimental (SKEXP0001); these tests exercise them.
#pragma warning disable SKEXP0001
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.AudioToText;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Audio;

/// <summary>Semantic Kernel's <see cref="IAudioToTextService"/> from <c>AddVllmAudioToText</c>, against the test server.</summary>
public sealed class VllmAudioToTextServiceTests
{
    [Fact]
    public void AddVllmAudioToText_NullOptions_Throws()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Kernel.CreateBuilder().AddVllmAudioToText(null!));
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public async Task GetTextContentsAsync_Wav_ReturnsTranscriptWithUsageAndSendsLanguage()
    {
        await using var server = await VllmSpeechToTextClientTests.StartAsync();
        var kernel = Kernel.CreateBuilder().AddVllmAudioToText(VllmSpeechToTextClientTests.Options(server), "openai/whisper-large-v3-turbo").Build();
        var service = kernel.GetRequiredService<IAudioToTextService>();
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["language"] = "en", ["prompt"] = "Mary" } };

        var text = await service.GetTextContentAsync(new AudioContent(VllmSpeechToTextClientTests.Wav(3), "audio/wav"), settings, kernel, TestContext.Current.CancellationToken);

        Assert.Equal(" This is the test server's transcript of 3.0 seconds of audio.", text.Text);
        Assert.NotNull(text.Metadata!["Usage"]);
        var body = Assert.Single(server.Requests).Body;
        Assert.Contains("name=\"language\"\r\n\r\nen\r\n", body, StringComparison.Ordinal);
        Assert.Contains("name=\"prompt\"\r\n\r\nMary\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTextContentsAsync_UriOnly_RefusedBeforeSending()
    {
        await using var server = await VllmSpeechToTextClientTests.StartAsync();
        var kernel = Kernel.CreateBuilder().AddVllmAudioToText(VllmSpeechToTextClientTests.Options(server)).Build();
        var service = kernel.GetRequiredService<IAudioToTextService>();

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => service.GetTextContentsAsync(new AudioContent(new Uri("https://example.com/a.wav")), null, kernel, TestContext.Current.CancellationToken));

        Assert.Contains("AudioContent.Data", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
