// Microsoft.Extensions.AI marks its speech-to-text abstractions experimental (MEAI001); these tests exercise them.
#pragma warning disable MEAI001
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Reliability;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Audio;

/// <summary><see cref="VllmSpeechToTextClient"/> against the in-process vLLM test server.</summary>
public sealed class VllmSpeechToTextClientTests
{
    private const string Whisper = "openai/whisper-large-v3-turbo";
    private const string ThreeSecondsTranscript = " This is the test server's transcript of 3.0 seconds of audio.";

    internal static byte[] Wav(double seconds) => VllmTestAudio.SilentWav(seconds);

    internal static async Task<VllmTestServer> StartAsync(string version = "0.27.1", params VllmTestModel[] models)
    {
        var options = new VllmTestServerOptions { ServerVersion = version };
        foreach (var model in models.Length > 0 ? models : [VllmTestModel.Transcription(Whisper)])
        {
            options.Models.Add(model);
        }

        return await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    internal static VllmProviderOptions Options(VllmTestServer server) => new()
    {
        BaseUrl = server.BaseUrl,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
    };

    private static string Field(string multipart, string name)
    {
        var marker = $"name=\"{name}\"\r\n\r\n";
        var start = multipart.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The form has no field '{name}'.");
        start += marker.Length;
        return multipart[start..multipart.IndexOf("\r\n", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new VllmSpeechToTextClient(null!));
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public async Task GetTextAsync_NullStream_Throws()
    {
        using var client = new VllmSpeechToTextClient(new VllmProviderOptions());
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetTextAsync(null!, null, TestContext.Current.CancellationToken));
        Assert.Equal("audioSpeechStream", ex.ParamName);
    }

    [Fact]
    public void GetService_Metadata_SaysVllm()
    {
        using var client = new VllmSpeechToTextClient(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true }, "vllm/" + Whisper);
        var metadata = client.GetService<SpeechToTextClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(Whisper, metadata.DefaultModelId);
        Assert.Same(client, client.GetService<VllmSpeechToTextClient>());
        Assert.Null(client.GetService<SpeechToTextClientMetadata>("key"));
        Assert.Null(client.GetService(typeof(string)));
        Assert.Equal("serviceType", Assert.Throws<ArgumentNullException>(() => client.GetService(null!)).ParamName);
    }

    [Fact]
    public async Task GetTextAsync_Wav_PostsMultipartAndReadsTranscriptAndDuration()
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var options = new SpeechToTextOptions { SpeechLanguage = "en-US", AdditionalProperties = new() { ["prompt"] = "Mary", ["temperature"] = 0.2, ["vllm_xargs"] = new Dictionary<string, object?> { ["k"] = 1 } } };

        var response = await client.GetTextAsync(new MemoryStream(Wav(3)), options, TestContext.Current.CancellationToken);

        Assert.Equal(ThreeSecondsTranscript, response.Text);
        Assert.Equal(Whisper, response.ModelId);
        Assert.Equal(3L, response.Usage!.AdditionalCounts!["audio_seconds"]);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/audio/transcriptions", request.Path);
        Assert.StartsWith("multipart/form-data; boundary=", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(Whisper, Field(request.Body, "model"));
        Assert.Equal("en", Field(request.Body, "language"));
        Assert.Equal("Mary", Field(request.Body, "prompt"));
        Assert.Equal("0.2", Field(request.Body, "temperature"));
        Assert.Equal("{\"k\":1}", Field(request.Body, "vllm_xargs"));
        Assert.Contains("name=\"file\"; filename=\"audio\"", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"stream", request.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_OpenAIOnlyFields_NotSent(bool stream)
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var options = new SpeechToTextOptions { AdditionalProperties = new() { ["store"] = true, ["service_tier"] = "auto", ["safety_identifier"] = "u1", ["prompt"] = "Mary" } };
        var ct = TestContext.Current.CancellationToken;

        _ = stream
            ? await client.GetStreamingTextAsync(new MemoryStream(Wav(1)), options, ct).ToSpeechToTextResponseAsync(ct)
            : await client.GetTextAsync(new MemoryStream(Wav(1)), options, ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal("Mary", Field(request.Body, "prompt"));
        Assert.DoesNotContain("name=\"store\"", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"service_tier\"", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"safety_identifier\"", request.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_RawTranscriptionOptions_TheirFieldsSentAndWin(bool stream)
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        ISpeechToTextClient? seen = null;
        var options = new SpeechToTextOptions
        {
            SpeechLanguage = "fr",
            AdditionalProperties = new() { ["prompt"] = "not this one", ["hotwords"] = "Mary" },
            RawRepresentationFactory = c =>
            {
                seen = c;
                return new OpenAI.Audio.AudioTranscriptionOptions
                {
                    Language = "de",
                    Prompt = "Mary had a little lamb",
                    ResponseFormat = stream ? OpenAI.Audio.AudioTranscriptionFormat.Simple : OpenAI.Audio.AudioTranscriptionFormat.Verbose, // vLLM streams no verbose_json
                    Temperature = 0.25f,
                    TimestampGranularities = OpenAI.Audio.AudioTimestampGranularities.Word | OpenAI.Audio.AudioTimestampGranularities.Segment,
                };
            },
        };
        var ct = TestContext.Current.CancellationToken;

        _ = stream
            ? await client.GetStreamingTextAsync(new MemoryStream(Wav(1)), options, ct).ToSpeechToTextResponseAsync(ct)
            : await client.GetTextAsync(new MemoryStream(Wav(1)), options, ct);

        Assert.Same(client, seen);
        var request = Assert.Single(server.Requests);
        Assert.EndsWith("/audio/transcriptions", request.Path, StringComparison.Ordinal);
        Assert.Equal("de", Field(request.Body, "language"));
        Assert.Equal("Mary had a little lamb", Field(request.Body, "prompt"));
        Assert.Equal(stream ? "json" : "verbose_json", Field(request.Body, "response_format"));
        Assert.Equal("0.25", Field(request.Body, "temperature"));
        Assert.Equal("Mary", Field(request.Body, "hotwords"));
        Assert.Equal(1, CountOf(request.Body, "name=\"language\""));
        Assert.Equal(1, CountOf(request.Body, "name=\"prompt\""));
        Assert.Equal(2, CountOf(request.Body, "name=\"timestamp_granularities[]\""));
    }

    [Fact]
    public async Task GetTextAsync_RawTranslationOptions_SentOnTheTranslationRoute()
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var options = new SpeechToTextOptions
        {
            SpeechLanguage = "de",
            TextLanguage = "en",
            RawRepresentationFactory = _ => new OpenAI.Audio.AudioTranslationOptions { Prompt = "Mary", Temperature = 0.5f },
        };

        await client.GetTextAsync(new MemoryStream(Wav(1)), options, TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.EndsWith("/audio/translations", request.Path, StringComparison.Ordinal);
        Assert.Equal("Mary", Field(request.Body, "prompt"));
        Assert.Equal("0.5", Field(request.Body, "temperature"));
        Assert.Equal("de", Field(request.Body, "language"));
    }

    [Theory]
    [InlineData("en", false)]
    [InlineData(null, true)]
    public async Task GetTextAsync_RawOptionsOfTheOtherRoute_RefusedBeforeSending(string? textLanguage, bool translationOptions)
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var options = new SpeechToTextOptions
        {
            SpeechLanguage = "de",
            TextLanguage = textLanguage,
            RawRepresentationFactory = _ => translationOptions ? new OpenAI.Audio.AudioTranslationOptions() : new OpenAI.Audio.AudioTranscriptionOptions(),
        };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetTextAsync(new MemoryStream(Wav(1)), options, TestContext.Current.CancellationToken));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains(translationOptions ? "AudioTranscriptionOptions" : "AudioTranslationOptions", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task GetStreamingTextAsync_Wav_TextConcatenatesToWholeAnswerWithUsageLast()
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var ct = TestContext.Current.CancellationToken;

        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(Wav(3)), null, ct))
        {
            updates.Add(update);
        }

        var whole = await client.GetTextAsync(new MemoryStream(Wav(3)), null, ct);
        Assert.True(updates.Count > 3);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates[..^1], u => Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdating, u.Kind));
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
        Assert.Equal(300 + 4, usage.Details.InputTokenCount);
        Assert.True(usage.Details.OutputTokenCount > 0);
        Assert.StartsWith("transcribe-", updates[0].ResponseId, StringComparison.Ordinal);
        var sent = server.Requests[0].Body;
        Assert.Equal("true", Field(sent, "stream"));
        Assert.Equal("true", Field(sent, "stream_include_usage"));
    }

    public static TheoryData<string, bool> StreamFaults()
    {
        var data = new TheoryData<string, bool>();
        foreach (var fault in StreamFaultAssert.Faults)
        {
            data.Add(fault, false);
            data.Add(fault, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StreamFaults))]
    public async Task GetStreamingTextAsync_StreamFault_ThrowsSayingWhatArrivedNeverAWholeTranscript(string fault, bool translate)
    {
        await using var server = await StartAsync();
        var options = Options(server);
        StreamFaultAssert.Inject(options, fault);
        using var client = new VllmSpeechToTextClient(options, Whisper);
        var speech = translate ? new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "en" } : null;
        var updates = new List<SpeechToTextResponseUpdate>();
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(Wav(3)), speech, ct))
            {
                updates.Add(update);
            }
        });

        // What arrived is only ever a beginning of the transcript, and never closed as a whole answer.
        var received = string.Concat(updates.Select(u => u.Text));
        var transcript = translate ? " This is the test server's English translation of 3.0 seconds of audio." : ThreeSecondsTranscript;
        Assert.StartsWith(received, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(updates, u => u.Kind == SpeechToTextResponseUpdateKind.TextUpdated || u.Contents.OfType<UsageContent>().Any());
        StreamFaultAssert.SaysWhatArrived(ex, fault, received);
        var request = Assert.Single(server.Requests); // never retried once the stream started
        Assert.Equal(translate ? "/v1/audio/translations" : "/v1/audio/transcriptions", request.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_TextLanguageEnglish_UsesTranslationsRoute(bool stream)
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        var options = new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "en" };
        var ct = TestContext.Current.CancellationToken;

        var text = stream
            ? (await client.GetStreamingTextAsync(new MemoryStream(Wav(2)), options, ct).ToSpeechToTextResponseAsync(ct)).Text
            : (await client.GetTextAsync(new MemoryStream(Wav(2)), options, ct)).Text;

        Assert.Equal(" This is the test server's English translation of 2.0 seconds of audio.", text);
        Assert.Equal("/v1/audio/translations", Assert.Single(server.Requests).Path);
        Assert.Equal("fr", Field(server.Requests[0].Body, "language"));
    }

    [Fact]
    public async Task GetTextAsync_TextLanguageNotEnglish_RefusedBeforeSending()
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetTextAsync(new MemoryStream(Wav(1)), new SpeechToTextOptions { SpeechLanguage = "en", TextLanguage = "de" }, TestContext.Current.CancellationToken));

        Assert.Contains("TextLanguage", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_ChatModelOnCurrentServer_ThrowsWithRouteHint(bool stream)
    {
        await using var server = await StartAsync("0.27.1", VllmTestModel.Chat("qwen"));
        using var client = new VllmSpeechToTextClient(Options(server), "qwen");

        var ex = await Assert.ThrowsAsync<VllmException>(() => Transcribe(client, stream));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("speech-to-text model", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_ServerBefore016Answers200WithError_ThrowsNotATranscript(bool stream)
    {
        await using var server = await StartAsync("0.15.1", VllmTestModel.Chat("qwen"));
        using var client = new VllmSpeechToTextClient(Options(server), "qwen");

        var ex = await Assert.ThrowsAsync<VllmException>(() => Transcribe(client, stream));

        Assert.Equal(200, Assert.Single(server.Requests).StatusCode);
        Assert.Equal("The model does not support Transcriptions API", ex.ServerMessage);
        Assert.Contains("not a speech-to-text model", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTextAsync_NotAudio_ThrowsWithHint()
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetTextAsync(new MemoryStream("hello"u8.ToArray()), null, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("wav, mp3", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTextAsync_503ThenSuccess_RetriesWithTheSameAudio()
    {
        await using var server = await StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, 0, times: 1));
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);

        // A non-seekable stream: read once, sent twice.
        var response = await client.GetTextAsync(new NonSeekableStream(Wav(3)), null, TestContext.Current.CancellationToken);

        Assert.Equal(ThreeSecondsTranscript, response.Text);
        Assert.Equal([503, 200], server.Requests.Select(r => r.StatusCode));
        Assert.Equal(server.Requests[0].BodyBytes.Length, server.Requests[1].BodyBytes.Length);
    }

    [Fact]
    public async Task AddVllmSpeechToTextClient_WithLoggingAndOpenTelemetry_RoundTrips()
    {
        await using var server = await StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddVllmSpeechToTextClient(Options(server), Whisper).UseLogging().UseOpenTelemetry();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ISpeechToTextClient>();
        var ct = TestContext.Current.CancellationToken;

        var whole = await client.GetTextAsync(new MemoryStream(Wav(3)), null, ct);
        var streamed = await client.GetStreamingTextAsync(new MemoryStream(Wav(3)), null, ct).ToSpeechToTextResponseAsync(ct);

        Assert.Equal(ThreeSecondsTranscript, whole.Text);
        Assert.Equal(ThreeSecondsTranscript, streamed.Text);
        Assert.Equal("vllm", client.GetService<SpeechToTextClientMetadata>()!.ProviderName);
        Assert.NotNull(client.GetService<VllmSpeechToTextClient>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextAsync_CancelledToken_ThrowsOperationCanceled(bool stream)
    {
        await using var server = await StartAsync();
        using var client = new VllmSpeechToTextClient(Options(server), Whisper);
        using var cancelled = new System.Threading.CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transcribe(client, stream, cancelled.Token));

        Assert.DoesNotContain(server.Requests, r => r.StatusCode == 200);
    }

    private static async Task Transcribe(VllmSpeechToTextClient client, bool stream, System.Threading.CancellationToken? token = null)
    {
        var ct = token ?? TestContext.Current.CancellationToken;
        if (stream)
        {
            await foreach (var _ in client.GetStreamingTextAsync(new MemoryStream(Wav(1)), null, ct))
            {
            }
        }
        else
        {
            await client.GetTextAsync(new MemoryStream(Wav(1)), null, ct);
        }
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override bool TryGetBuffer(out ArraySegment<byte> buffer)
        {
            buffer = default;
            return false;
        }
    }
}
