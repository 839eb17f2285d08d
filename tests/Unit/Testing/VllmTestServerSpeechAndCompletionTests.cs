using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

/// <summary>The test server's /v1/audio/* and /v1/completions routes, checked with a plain HttpClient against the wire reference.</summary>
public sealed class VllmTestServerSpeechAndCompletionTests
{
    private const string Whisper = "openai/whisper-large-v3-turbo";

    private static async Task<VllmTestServer> StartAsync(VllmTestModel model)
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(model);
        return await VllmTestServer.StartAsync(options, Ct);
    }

    [Fact]
    public async Task Transcriptions_UnknownFormField_Strict400NamingIt()
    {
        await using var server = await StartAsync(VllmTestModel.Transcription(Whisper));
        using var client = Client(server);

        using var response = await client.PostAsync("v1/audio/transcriptions", SpeechForm(true, ("model", Whisper), ("diarize", "true")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("diarize", (await JsonAsync(response))["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Transcriptions_NoFile_PydanticMissing()
    {
        await using var server = await StartAsync(VllmTestModel.Transcription(Whisper));
        using var client = Client(server);

        using var response = await client.PostAsync("v1/audio/transcriptions", SpeechForm(false, ("model", Whisper)), Ct);

        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad Request", error["type"]!.GetValue<string>());
        Assert.Equal("body.file", error["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("stream_include_usage")]
    [InlineData("stream_continuous_usage_stats")]
    public async Task Transcriptions_StreamOptionWithoutStream_400EvenWhenFalse(string option)
    {
        await using var server = await StartAsync(VllmTestModel.Transcription(Whisper));
        using var client = Client(server);

        using var response = await client.PostAsync("v1/audio/transcriptions", SpeechForm(true, (option, "false")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(option, (await JsonAsync(response))["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Transcriptions_Stream_ChunksWithoutRoleOrIndexThenUsage()
    {
        await using var server = await StartAsync(VllmTestModel.Transcription(Whisper));
        using var client = Client(server);

        using var response = await client.PostAsync("v1/audio/transcriptions", SpeechForm(true, ("stream", "true"), ("stream_include_usage", "true")), Ct);
        var chunks = await ChunksAsync(response);

        Assert.All(chunks, c => Assert.Equal("transcription.chunk", c["object"]!.GetValue<string>()));
        Assert.Null(chunks[0]["choices"]![0]!["index"]);
        Assert.Equal("stop", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(200 + 4, chunks[^1]["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Transcriptions_ChatModel_FastApi404()
    {
        await using var server = await StartAsync(VllmTestModel.Chat("qwen"));
        using var client = Client(server);

        using var response = await client.PostAsync("v1/audio/transcriptions", SpeechForm(true), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", (await JsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completions_EveryDeclaredField_AcceptedByStrictMode()
    {
        await using var server = await StartAsync(VllmTestModel.Chat("base"));
        using var client = Client(server);
        var lists = JsonNode.Parse(TestFiles.Read("completion-request-fields.json"))!.AsObject();
        var body = new JsonObject();
        foreach (var name in new[] { "openai", "vllm_extra", "structured_outputs" }.SelectMany(l => lists[l]!.AsArray()).Select(n => n!.GetValue<string>()))
        {
            body[name] = null;
        }

        body["prompt"] = "Hello";
        body["max_tokens"] = 2;
        using var response = await PostJsonAsync(client, "v1/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", (await JsonAsync(response))["object"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"prompt\":\"a\",\"suffix\":\"b\"}", null, "suffix is not currently supported")]
    [InlineData("{\"prompt\":\"a\",\"messages\":[]}", "messages", "[strict test server]")]
    [InlineData("{\"prompt\":\"a\",\"stream_options\":{\"include_usage\":true}}", "stream_options", "Stream options can only be defined")]
    [InlineData("{\"prompt\":\"\"}", "prompt", "Either prompt or prompt_embeds")]
    [InlineData("{\"prompt\":\"a\",\"logprobs\":21}", "logprobs", "greater than max allowed: 20")]
    public async Task Completions_Refused_400WithVllmMessage(string json, string? param, string message)
    {
        await using var server = await StartAsync(VllmTestModel.Chat("base"));
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "v1/completions", json);

        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_StreamWithUsage_EveryChoiceKeyAndUsageChunk()
    {
        await using var server = await StartAsync(VllmTestModel.Chat("base"));
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "v1/completions", "{\"prompt\":\"a\",\"max_tokens\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        var chunks = await ChunksAsync(response);

        Assert.Equal(4, chunks.Count);
        Assert.All(chunks.Take(3), c => Assert.Equal(["index", "text", "logprobs", "finish_reason", "stop_reason", "prompt_token_ids", "token_ids"], c["choices"]![0]!.AsObject().Select(p => p.Key)));
        Assert.Equal("length", chunks[2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(3, chunks[3]["usage"]!["completion_tokens"]!.GetValue<int>());
    }
}
