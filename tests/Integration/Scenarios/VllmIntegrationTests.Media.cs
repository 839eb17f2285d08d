using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Images, audio and video in chat: the model gets them (more prompt tokens, and on a real vision model the
/// right answer), the server refuses a modality the model lacks, and what vLLM cannot take is refused before sending.</content>
public abstract partial class VllmIntegrationTests
{
    private const string ColourQuestion = "What is the main colour of this image? Answer with one word.";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_ImageDataContent_ModelSeesTheImage(bool stream)
    {
        Require(Kind.VisionModel is not null, "no vision model: " + Kind.MediaHowTo);
        using var client = CreateChatClient(Kind.VisionModel, Kind.VisionOptions);
        ChatMessage message = new(ChatRole.User, [new TextContent(ColourQuestion), new DataContent(SolidPng(64, 64, 220, 20, 20), "image/png")]);

        var response = stream ? (await StreamAsync(client, [message], ShortAnswer())).Response : await client.GetResponseAsync([message], ShortAnswer(), Ct);
        var part = SentPart(1);
        var textOnly = await client.GetResponseAsync(Ask(ColourQuestion), ShortAnswer(), Ct);

        Assert.True(response.Usage?.InputTokenCount > textOnly.Usage?.InputTokenCount, $"the image adds prompt tokens ({response.Usage?.InputTokenCount} vs {textOnly.Usage?.InputTokenCount} without it)");
        if (part is { } sent)
        {
            Assert.Equal("image_url", sent.GetProperty("type").GetString());
            Assert.StartsWith("data:image/png;base64,iVBOR", sent.GetProperty("image_url").GetProperty("url").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("red", response.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_WavDataContent_ModelHearsTheAudio(bool stream)
    {
        Require(Kind.AudioModel is not null, "no audio model: " + Kind.MediaHowTo);
        using var client = CreateChatClient(Kind.AudioModel, Kind.AudioOptions);
        const string Question = "Describe this audio in a few words.";
        ChatMessage message = new(ChatRole.User, [new TextContent(Question), new DataContent(ToneWav(seconds: 1), "audio/wav")]);

        var response = stream ? (await StreamAsync(client, [message], ShortAnswer())).Response : await client.GetResponseAsync([message], ShortAnswer(), Ct);
        var part = SentPart(1);
        var textOnly = await client.GetResponseAsync(Ask(Question), ShortAnswer(), Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > textOnly.Usage?.InputTokenCount, $"the audio adds prompt tokens ({response.Usage?.InputTokenCount} vs {textOnly.Usage?.InputTokenCount} without it)");
        if (part is { } sent)
        {
            Assert.Equal("input_audio", sent.GetProperty("type").GetString());
            Assert.Equal("wav", sent.GetProperty("input_audio").GetProperty("format").GetString());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_VideoDataContent_ModelSeesTheVideo(bool stream)
    {
        Require(Kind.VisionModel is not null, "no vision model: " + Kind.MediaHowTo);
        Require(Kind.TestServer is not null || Kind.VideoFile is not null, "no video file: " + Kind.MediaHowTo);
        using var client = CreateChatClient(Kind.VisionModel, Kind.VisionOptions);
        var video = Kind.VideoFile is { } path ? await File.ReadAllBytesAsync(path, Ct) : [0, 0, 0, 24, 102, 116, 121, 112];
        const string Question = "Describe this video in one sentence.";
        ChatMessage message = new(ChatRole.User, [new TextContent(Question), new DataContent(video, "video/mp4")]);

        var response = stream ? (await StreamAsync(client, [message], ShortAnswer())).Response : await client.GetResponseAsync([message], ShortAnswer(), Ct);
        var part = SentPart(1);
        var textOnly = await client.GetResponseAsync(Ask(Question), ShortAnswer(), Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > textOnly.Usage?.InputTokenCount, "the video adds prompt tokens");
        if (part is { } sent)
        {
            Assert.Equal("video_url", sent.GetProperty("type").GetString());
            Assert.StartsWith("data:video/mp4;base64,", sent.GetProperty("video_url").GetProperty("url").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetResponseAsync_AudioToVisionModel_ServerRefusesWithVllmMessage()
    {
        Require(Kind.VisionModel is not null, "no vision model: " + Kind.MediaHowTo);
        Require(Kind.Capabilities.VllmErrors, "the server does not answer in vLLM's error shape.");
        using var client = CreateChatClient(Kind.VisionModel, Kind.VisionOptions);
        ChatMessage message = new(ChatRole.User, [new TextContent("Describe this."), new DataContent(ToneWav(seconds: 1), "audio/wav")]);

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync([message], ShortAnswer(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("At most 0 audio(s)", ex.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ModalityNotDeclared_RefusedBeforeSending()
    {
        Require(Kind.VisionModel is not null, "no vision model: " + Kind.MediaHowTo);
        var options = Clone(Kind.VisionOptions!);
        options.Models.Add(new VllmModelDefinition { Id = Kind.VisionModel!, Input = ["text", "image"] });
        using var client = CreateChatClient(Kind.VisionModel, options);
        var before = Kind.TestServer?.Requests.Count;

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("Describe this."), new DataContent(ToneWav(seconds: 1), "audio/wav")])], ShortAnswer(), Ct));

        Assert.Contains("without \"audio\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Kind.TestServer?.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_PdfDataContent_RefusedBeforeSending(bool stream)
    {
        RequireKind();
        using var client = CreateChatClient();
        ChatMessage message = new(ChatRole.User, [new TextContent("Summarize this."), new DataContent("%PDF-1.4\n"u8.ToArray(), "application/pdf")]);
        var before = Kind.TestServer?.Requests.Count;

        var ex = await Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            if (stream)
            {
                await StreamAsync(client, [message], ShortAnswer());
            }
            else
            {
                await client.GetResponseAsync([message], ShortAnswer(), Ct);
            }
        });

        Assert.Contains("'application/pdf'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Kind.TestServer?.Requests.Count);
    }

    /// <summary>Part <paramref name="index"/> of the first message of the last chat request the test server received, or
    /// <see langword="null"/> on a real server.</summary>
    private System.Text.Json.JsonElement? SentPart(int index)
        => Kind.TestServer is null ? null : LastRequestBody("/v1/chat/completions").GetProperty("messages")[0].GetProperty("content")[index];

    private static VllmProviderOptions Clone(VllmProviderOptions options) => new()
    {
        BaseUrl = options.BaseUrl,
        ApiKey = options.ApiKey,
        AllowPrivateNetwork = options.AllowPrivateNetwork,
    };

    /// <summary>A PNG of one colour (RGB, 8 bits, no filter), written here so that the suite needs no image files.</summary>
    private static byte[] SolidPng(int width, int height, byte r, byte g, byte b)
    {
        var raw = new byte[height * (1 + (width * 3))];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + (width * 3));
            for (var x = 0; x < width; x++)
            {
                raw[row + 1 + (x * 3)] = r;
                raw[row + 2 + (x * 3)] = g;
                raw[row + 3 + (x * 3)] = b;
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        png.Write(four);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A 16 kHz mono 16-bit WAV of a 440 Hz tone.</summary>
    private static byte[] ToneWav(int seconds)
    {
        const int Rate = 16000;
        var samples = Rate * seconds;
        var wav = new byte[44 + (samples * 2)];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), wav.Length - 8);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), Rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), Rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 440 * i / Rate) * 8000);
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(44 + (i * 2)), value);
        }

        return wav;
    }
}
