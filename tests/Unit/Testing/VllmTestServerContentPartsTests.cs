using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

/// <summary>The test server reads content parts as vLLM does (wire reference §17): image, audio and video parts in
/// vLLM's shapes pass; other types, wrong shapes, bad URLs and modalities the model lacks get vLLM's errors.</summary>
public sealed class VllmTestServerContentPartsTests
{
    private static JsonObject ChatWithParts(string partsJson, bool stream = false)
    {
        var request = Chat("x", stream: stream);
        request["messages"]![0]!["content"] = JsonNode.Parse(partsJson);
        return request;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_ImageAudioVideoParts_AcceptedAndMarkedInThePrompt(bool stream)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = true }, Ct);
        using var client = Client(server);
        var request = ChatWithParts(
            """
            [{"type":"text","text":"Look"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,AQID","detail":"low"}},
             {"type":"input_audio","input_audio":{"data":"AQID","format":"wav"}},
             {"type":"audio_url","audio_url":{"url":"data:audio/flac;base64,AQID"}},
             {"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}},
             {"image_url":"https://example.com/a.png"}]
            """,
            stream);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = stream
            ? string.Concat((await ChunksAsync(response)).ConvertAll(c => (string?)c["choices"]?[0]?["delta"]?["content"]))
            : (string)(await JsonAsync(response))["choices"]![0]!["message"]!["content"]!;
        Assert.Equal("[test-model] echo: Look<|image|><|input_audio|><|audio|><|video|>", text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_FilePart_VllmExactError(bool strict)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = strict }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", ChatWithParts("""[{"type":"file","file":{"file_data":"data:application/pdf;base64,AQID","filename":"a.pdf"}}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal(
            "Unsupported chat content part type: 'file'. Supported types: audio_embeds, audio_url, image_embeds, image_pil, image_url, input_audio, input_image, input_text, output_text, prompt_embeds, refusal, text, thinking, tool_reference, video_url. (parameter=type, value=file)",
            (string)error["message"]!);
        Assert.Equal("type", (string)error["param"]!);
        Assert.Equal("BadRequestError", (string)error["type"]!);
    }

    [Theory]
    [InlineData("""[{"type":"image_url","image_url":"https://example.com/a.png"}]""", "Bad Request")]
    [InlineData("""[{"type":"image_url","image_url":{"detail":"low"}}]""", "Bad Request")]
    [InlineData("""[{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"medium"}}]""", "Bad Request")]
    [InlineData("""[{"type":"input_audio","input_audio":{"data":"AQID","format":"flac"}}]""", "Bad Request")]
    [InlineData("""[{"type":"video_url","video_url":{"url":"ftp://example.com/v.mp4"}}]""", "BadRequestError")]
    [InlineData("""[{"type":"audio_url","audio_url":{"url":"data:audio/ogg;base64,%%%"}}]""", "BadRequestError")]
    [InlineData("""[{"url":"https://example.com/a.png"}]""", "BadRequestError")]
    public async Task Chat_MalformedMediaPart_400(string parts, string errorType)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = true }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", ChatWithParts(parts));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorType, (string)(await JsonAsync(response))["error"]!["type"]!);
    }

    [Theory]
    [InlineData("data:image/png,AQID", 501, "Only base64 data URLs are supported for now.")]
    [InlineData("data:image/png;base64AQID", 400, "Invalid data URL 'data:image/png;base64AQID': missing ',' separator.")]
    [InlineData("file:///tmp/a.png", 500, "Cannot load local files without `--allowed-local-media-path`.")]
    public async Task Chat_ImageUrlVllmCannotLoad_VllmStatusAndText(string url, int status, string message)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = true }, Ct);
        using var client = Client(server);
        var request = ChatWithParts("""[{"type":"image_url","image_url":{"url":"x"}}]""");
        request["messages"]![0]!["content"]![0]!["image_url"]!["url"] = url;

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(message, (string)(await JsonAsync(response))["error"]!["message"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_MediaPartToTextOnlyModel_NotAMultimodalModel(bool stream)
    {
        var options = new VllmTestServerOptions { Strict = true };
        options.Models.Add(new VllmTestModel("text-only") { Modalities = [] });
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        var request = ChatWithParts("""[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]""", stream);
        request["model"] = "text-only";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text-only is not a multimodal model", (string)(await JsonAsync(response))["error"]!["message"]!);
    }

    [Fact]
    public async Task Chat_AudioToImageOnlyModel_AtMostZero()
    {
        var options = new VllmTestServerOptions { Strict = true };
        options.Models.Add(new VllmTestModel("vision") { Modalities = ["image"] });
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);
        var request = ChatWithParts("""[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"input_audio","input_audio":{"data":"AQID","format":"mp3"}}]""");
        request["model"] = "vision";

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("At most 0 audio(s) may be provided in one prompt. (parameter=audio)", (string)error["message"]!);
        Assert.Equal("audio", (string)error["param"]!);
    }

    [Fact]
    public async Task Tokenize_MediaParts_CheckedAsChat()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { Strict = true }, Ct);
        using var client = Client(server);
        var ok = new JsonObject { ["model"] = "test-model", ["messages"] = ChatWithParts("""[{"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}}]""")["messages"]!.DeepClone() };
        var bad = new JsonObject { ["model"] = "test-model", ["messages"] = ChatWithParts("""[{"type":"file","file":{"file_id":"f"}}]""")["messages"]!.DeepClone() };

        using var accepted = await PostJsonAsync(client, "/tokenize", ok);
        using var refused = await PostJsonAsync(client, "/tokenize", bad);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
