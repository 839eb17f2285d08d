using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using DataContent = Microsoft.Extensions.AI.DataContent;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Images, audio and video in chat messages: vLLM's part shapes on the recorded request, what is refused before
/// sending (documents, undeclared modalities, too much inline media), and /tokenize counting the same parts.</summary>
public sealed class VllmChatClientMediaTests
{
    private static readonly byte[] Bytes = [1, 2, 3, 250, 251, 252];

    private const string Base64 = "AQID+vv8";

    public static TheoryData<string, bool> MediaParts()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in PartCases.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    /// <summary>Each content and the part vLLM expects for it (wire reference §17.1).</summary>
    private static readonly Dictionary<string, (AIContent Content, string Part)> PartCases = new()
    {
        ["image/png data"] = (new DataContent(Bytes, "image/png"), $$$"""{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Base64}}}"}}"""),
        ["image/jpeg url"] = (new UriContent("https://example.com/cat.jpg", "image/jpeg"), """{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}"""),
        ["audio/wav data"] = (new DataContent(Bytes, "audio/wav"), $$$"""{"type":"input_audio","input_audio":{"data":"{{{Base64}}}","format":"wav"}}"""),
        ["audio/x-wav data"] = (new DataContent(Bytes, "audio/x-wav"), $$$"""{"type":"input_audio","input_audio":{"data":"{{{Base64}}}","format":"wav"}}"""),
        ["audio/mpeg data"] = (new DataContent(Bytes, "audio/mpeg"), $$$"""{"type":"input_audio","input_audio":{"data":"{{{Base64}}}","format":"mp3"}}"""),
        ["audio/mp3 data"] = (new DataContent(Bytes, "audio/mp3"), $$$"""{"type":"input_audio","input_audio":{"data":"{{{Base64}}}","format":"mp3"}}"""),
        ["audio/flac data"] = (new DataContent(Bytes, "audio/flac"), $$$"""{"type":"audio_url","audio_url":{"url":"data:audio/flac;base64,{{{Base64}}}"}}"""),
        ["audio/ogg data"] = (new DataContent(Bytes, "audio/ogg"), $$$"""{"type":"audio_url","audio_url":{"url":"data:audio/ogg;base64,{{{Base64}}}"}}"""),
        ["audio/mpeg url"] = (new UriContent("https://example.com/a.mp3", "audio/mpeg"), """{"type":"audio_url","audio_url":{"url":"https://example.com/a.mp3"}}"""),
        ["video/mp4 data"] = (new DataContent(Bytes, "video/mp4"), $$$"""{"type":"video_url","video_url":{"url":"data:video/mp4;base64,{{{Base64}}}"}}"""),
        ["video/mp4 url"] = (new UriContent("https://example.com/v.mp4", "video/mp4"), """{"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}}"""),
    };

    [Theory]
    [MemberData(nameof(MediaParts))]
    public async Task GetResponseAsync_MediaContent_SentInVllmPartShape(string name, bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var (content, part) = PartCases[name];
        ChatMessage message = new(ChatRole.User, [new TextContent("What is this?"), content]);

        var run = await ChatTestHost.RunAsync(client, [message], null, stream);

        var sent = ChatTestHost.LastChatBody(server)["messages"]![0]!;
        ChatTestHost.AssertJsonEqual($$$"""{"role":"user","content":[{"type":"text","text":"What is this?"},{{{part}}}]}""", sent);
        Assert.StartsWith("[test-model] echo: What is this?<|", run.Response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_PartsAuthorAndDetail_OrderNameAndDetailKept(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var image = new DataContent(Bytes, "image/png") { AdditionalProperties = new() { ["detail"] = "low" } };
        ChatMessage message = new(ChatRole.User, [new UriContent("https://example.com/v.mp4", "video/mp4"), new TextContent("Compare"), image]) { AuthorName = "Ann Lee!" };

        await ChatTestHost.RunAsync(client, [new ChatMessage(ChatRole.System, "Be brief."), message], null, stream);

        var messages = ChatTestHost.LastChatBody(server)["messages"]!;
        ChatTestHost.AssertJsonEqual("""{"role":"system","content":"Be brief."}""", messages[0]!);
        ChatTestHost.AssertJsonEqual(
            $$$"""
            {"role":"user","content":[
              {"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}},
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Base64}}}","detail":"low"}}],
             "name":"AnnLee"}
            """,
            messages[1]!);
    }

    [Fact]
    public async Task GetResponseAsync_LargeImage_DataUriIsTheBytesInBase64()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var bytes = new byte[300_001];
        new Random(7).NextBytes(bytes);
        ChatMessage message = new(ChatRole.User, [new TextContent("Describe"), new DataContent(bytes, "image/webp")]);

        await ChatTestHost.RunAsync(client, [message], new ChatOptions { Temperature = 0.5f }, stream: false);

        var body = ChatTestHost.LastChatBody(server);
        Assert.Equal("data:image/webp;base64," + Convert.ToBase64String(bytes), (string)body["messages"]![0]!["content"]![1]!["image_url"]!["url"]!);
        Assert.Equal(0.5, (double)body["temperature"]!, 3);
    }

    [Theory]
    [InlineData("application/pdf", false)]
    [InlineData("application/pdf", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/octet-stream", true)]
    public async Task GetResponseAsync_DocumentDataContent_NotSupportedNothingSent(string mediaType, bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        ChatMessage message = new(ChatRole.User, [new TextContent("Summarize"), new DataContent(Bytes, mediaType)]);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.RunAsync(client, [message], null, stream));

        Assert.Contains($"'{mediaType}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TextContent", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_PdfUriOrHostedFile_NotSupportedNothingSent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.RunAsync(client, [new ChatMessage(ChatRole.User, [new UriContent("https://example.com/a.pdf", "application/pdf")])], null, stream));
        var hosted = await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.RunAsync(client, [new ChatMessage(ChatRole.User, [new HostedFileContent("file-1")])], null, stream));

        Assert.Contains("Files API", hosted.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("audio/wav", "audio", false)]
    [InlineData("audio/flac", "audio", true)]
    [InlineData("video/mp4", "video", false)]
    [InlineData("video/webm", "video", true)]
    [InlineData("image/png", "image", true)]
    public async Task GetResponseAsync_ModalityNotInDeclaredInput_NotSupportedNothingSent(string mediaType, string modality, bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = VllmTestServerOptions.DefaultModelId, Input = ["text", "image"] }));
        ChatMessage message = new(ChatRole.User, [new TextContent("What is this?"), new DataContent(Bytes, mediaType)]);

        if (modality == "image")
        {
            await ChatTestHost.RunAsync(client, [message], null, stream); // declared: passes
            Assert.Single(ChatTestHost.ChatRequests(server));
            return;
        }

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.RunAsync(client, [message], null, stream));

        Assert.Contains($"without \"{modality}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mediaType, ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_AudioAndVideoDeclared_Sent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = VllmTestServerOptions.DefaultModelId, Input = ["text", "Audio", "video"] }));
        ChatMessage message = new(ChatRole.User, [new DataContent(Bytes, "audio/ogg"), new UriContent("https://example.com/v.mp4", "video/mp4")]);

        await ChatTestHost.RunAsync(client, [message], null, stream);

        var parts = ChatTestHost.LastChatBody(server)["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["audio_url", "video_url"], parts.Select(p => (string)p!["type"]!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_InlineMediaOverMaxInlineMediaBytes_ArgumentExceptionNothingSent(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.MaxInlineMediaBytes = 1000);
        ChatMessage message = new(ChatRole.User, [new DataContent(new byte[600], "image/png"), new DataContent(new byte[600], "audio/wav")]);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ChatTestHost.RunAsync(client, [message], null, stream));

        Assert.Contains("MaxInlineMediaBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1200", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_UrlMediaOverMaxInlineMediaBytes_Sent()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.MaxInlineMediaBytes = 1);
        ChatMessage message = new(ChatRole.User, [new UriContent("https://example.com/v.mp4", "video/mp4")]);

        await ChatTestHost.RunAsync(client, [message], null, stream: false);

        Assert.Single(ChatTestHost.ChatRequests(server));
    }

    [Fact]
    public async Task TokenizeAsync_MessagesWithMedia_SameMessagesAsChatAndPdfRefused()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var chat = ChatTestHost.Client(server);
        using var tokenizer = new VllmTokenizer(ChatTestHost.Options(server), VllmTestServerOptions.DefaultModelId);
        ChatMessage[] messages = [new(ChatRole.User, [new TextContent("Hear this"), new DataContent(Bytes, "audio/flac"), new DataContent(Bytes, "video/mp4")])];

        var count = await tokenizer.CountTokensAsync(messages, TestContext.Current.CancellationToken);
        await ChatTestHost.RunAsync(chat, messages, null, stream: false);

        var tokenized = JsonNode.Parse(server.Requests.Single(r => r.Path == "/tokenize").Body)!["messages"]!;
        Assert.True(JsonNode.DeepEquals(ChatTestHost.LastChatBody(server)["messages"], tokenized));
        Assert.True(count > 0);
        await Assert.ThrowsAsync<NotSupportedException>(() => tokenizer.CountTokensAsync([new ChatMessage(ChatRole.User, [new DataContent(Bytes, "application/pdf")])], TestContext.Current.CancellationToken));
        Assert.Equal(1, server.Requests.Count(r => r.Path == "/tokenize"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Kernel_ChatHistoryWithImageAudioAndVideo_SentInVllmPartShapes(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(ChatTestHost.Options(server), VllmTestServerOptions.DefaultModelId).Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
#pragma warning disable SKEXP0001 // SK's AudioContent and BinaryContent are experimental; they are what SK users send audio and video with.
        history.AddUserMessage(
        [
            new Microsoft.SemanticKernel.TextContent("Compare"),
            new ImageContent(new Uri("https://example.com/cat.png")),
            new AudioContent(Bytes, "audio/flac"),
            new Microsoft.SemanticKernel.BinaryContent(Bytes, "video/mp4"),
        ]);
#pragma warning restore SKEXP0001

        if (stream)
        {
            await foreach (var unused in chat.GetStreamingChatMessageContentsAsync(history, kernel: kernel, cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        }
        else
        {
            await chat.GetChatMessageContentAsync(history, kernel: kernel, cancellationToken: TestContext.Current.CancellationToken);
        }

        ChatTestHost.AssertJsonEqual(
            $$$"""
            {"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
              {"type":"audio_url","audio_url":{"url":"data:audio/flac;base64,{{{Base64}}}"}},
              {"type":"video_url","video_url":{"url":"data:video/mp4;base64,{{{Base64}}}"}}]}
            """,
            ChatTestHost.LastChatBody(server)["messages"]![0]!);
    }
}
