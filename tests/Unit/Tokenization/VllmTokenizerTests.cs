using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Tokenization;

public sealed class VllmTokenizerTests
{
    private static VllmProviderOptions Options(string? apiKey = null) => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
        ApiKey = apiKey,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    [Fact]
    public async Task TokenizeAsync_Text_PostsPromptToRootTokenizeAndReadsAnswer()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("tokenize-response.example.json"));
        var tokenizer = new VllmTokenizer(Options("secret"), "vllm/meta-llama/Llama-3.2-1B-Instruct", handler.CreateClient());

        var result = await tokenizer.TokenizeAsync("Hello world!", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:8000/tokenize", request.Uri.ToString());
        Assert.Equal("Bearer secret", request.Authorization);
        Assert.Equal("application/json", request.ContentType);
        var body = request.Json;
        Assert.Equal(["model", "prompt"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("meta-llama/Llama-3.2-1B-Instruct", body.GetProperty("model").GetString());
        Assert.Equal("Hello world!", body.GetProperty("prompt").GetString());
        Assert.Equal(9, result.Count);
        Assert.Equal(8192, result.MaxModelLen);
        Assert.Equal([85, 9101, 35, 1069, 314, 253, 1028, 7909, 30], result.Tokens);
        Assert.Null(result.TokenStrings);
    }

    [Fact]
    public async Task TokenizeAsync_HostNotFound_FailsOnceWithoutRetry()
    {
        // One retry policy for every call: only a refused connection, 429 and 503 are retried; a name that does not
        // resolve will not resolve a moment later.
        var handler = new InMemoryHandler(_ => throw new System.Net.Http.HttpRequestException(System.Net.Http.HttpRequestError.NameResolutionError, "No such host is known."));
        var options = Options();
        options.Retry = new VllmRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };
        using var tokenizer = new VllmTokenizer(options, "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => tokenizer.TokenizeAsync("x", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(handler.Requests);
        Assert.Contains("host name not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenizeAsync_NoAnswerWithinFirstByteTimeout_ErrorNamesRequestAndSetting()
    {
        var handler = new InMemoryHandler(async (_, ct) =>
        {
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var options = Options();
        options.FirstByteTimeout = TimeSpan.FromMilliseconds(200);
        using var client = handler.CreateClient();
        using var tokenizer = new VllmTokenizer(options, "m", client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => tokenizer.TokenizeAsync("x", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("The server at http://127.0.0.1:8000/v1 did not answer POST /tokenize within FirstByteTimeout (0.2 s).", ex.ServerMessage);
        Assert.Contains("Vllm:FirstByteTimeout", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenizeAsync_ReturnTokenStrings_SendsFlagAndReadsStrings()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("tokenize-response-with-token-strs.example.json"));
        var tokenizer = new VllmTokenizer(Options(), httpClient: handler.CreateClient());

        var result = await tokenizer.TokenizeAsync("Hello world!", new VllmTokenizeOptions { ReturnTokenStrings = true, AddSpecialTokens = false }, TestContext.Current.CancellationToken);

        var body = Assert.Single(handler.Requests).Json;
        Assert.False(body.TryGetProperty("model", out _));
        Assert.True(body.GetProperty("return_token_strs").GetBoolean());
        Assert.False(body.GetProperty("add_special_tokens").GetBoolean());
        Assert.Equal(["Hello", "Ġworld", "!"], result.TokenStrings!);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public async Task CountTokensAsync_Messages_SendsOpenAIMessageShapeWithGenerationPrompt()
    {
        var handler = new InMemoryHandler(FakeTokenizer.Responder(4096));
        var tokenizer = new VllmTokenizer(Options(), "m", handler.CreateClient());
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Hello there"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny")]),
        ];

        var count = await tokenizer.CountTokensAsync(messages, TestContext.Current.CancellationToken);

        var body = Assert.Single(handler.Requests).Json;
        Assert.Equal("http://127.0.0.1:8000/tokenize", handler.Requests[0].Uri.ToString());
        Assert.True(body.GetProperty("add_generation_prompt").GetBoolean());
        var sent = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are terse.", TextOf(sent[0]));
        Assert.Equal("Hello there", TextOf(sent[1]));
        var call = Assert.Single(sent[2].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("call_1", sent[3].GetProperty("tool_call_id").GetString());
        Assert.Equal(FakeTokenizer.Count(body), count);
    }

    [Fact]
    public async Task TokenizeAsync_MessagesWithTools_SendsToolsAndTemplateArguments()
    {
        var handler = new InMemoryHandler(FakeTokenizer.Responder(4096));
        var tokenizer = new VllmTokenizer(Options(), "m", handler.CreateClient());
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather");

        await tokenizer.TokenizeAsync(
            [new ChatMessage(ChatRole.User, "Hi")],
            new VllmTokenizeOptions { Tools = [tool], ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = false }, ModelId = "other" },
            TestContext.Current.CancellationToken);

        var body = Assert.Single(handler.Requests).Json;
        Assert.Equal("other", body.GetProperty("model").GetString());
        var sentTool = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", sentTool.GetProperty("type").GetString());
        Assert.Equal("get_weather", sentTool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("object", sentTool.GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.False(body.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
    }

    [Fact]
    public async Task DetokenizeAsync_Tokens_PostsToRootDetokenizeAndReturnsText()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("detokenize-response.example.json"));
        var tokenizer = new VllmTokenizer(Options(), "m", handler.CreateClient());

        var text = await tokenizer.DetokenizeAsync([19556, 905, 17], cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:8000/detokenize", request.Uri.ToString());
        Assert.Equal([19556, 905, 17], request.Json.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal("m", request.Json.GetProperty("model").GetString());
        Assert.Equal("Hello world!", text);
    }

    [Fact]
    public async Task TokenizeAsync_UnknownModel_ThrowsVllmExceptionWithServerMessageAndHint()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-model-not-found.example.json"), HttpStatusCode.NotFound);
        var tokenizer = new VllmTokenizer(Options(), "gpt-4o", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => tokenizer.TokenizeAsync("x", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("The model `gpt-4o` does not exist.", ex.ServerMessage);
        Assert.Equal("model", ex.Param);
        Assert.Contains("curl http://127.0.0.1:8000/v1/models", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenizeAndDetokenize_ServerWithoutTheRoutes_HintNamesRouteAndWhatServesIt()
    {
        var handler = InMemoryHandler.Answering(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound);
        var tokenizer = new VllmTokenizer(Options(), "m", handler.CreateClient());
        var ct = TestContext.Current.CancellationToken;

        var tokenize = await Assert.ThrowsAsync<VllmException>(() => tokenizer.CountTokensAsync("x", ct));
        var detokenize = await Assert.ThrowsAsync<VllmException>(() => tokenizer.DetokenizeAsync([1, 2], cancellationToken: ct));

        Assert.Equal(HttpStatusCode.NotFound, tokenize.StatusCode);
        Assert.StartsWith("The server has no /tokenize route (tried http://127.0.0.1:8000/tokenize).", tokenize.Hint, StringComparison.Ordinal);
        Assert.StartsWith("The server has no /detokenize route (tried http://127.0.0.1:8000/detokenize).", detokenize.Hint, StringComparison.Ordinal);
        foreach (var ex in new[] { tokenize, detokenize })
        {
            Assert.Contains("Every vLLM server offers /tokenize and /detokenize at the server root", ex.Hint, StringComparison.Ordinal);
            Assert.Contains("point BaseUrl at the vLLM server itself", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("BaseUrl ends in /v1", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TokenizeAsync_ServiceUnavailableThenOk_Retries()
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ => ++calls == 1
            ? InMemoryHandler.Json("""{"error":"The model is currently scaling. Please try again later."}""", HttpStatusCode.ServiceUnavailable)
            : InMemoryHandler.Json(TestFiles.Read("tokenize-response.example.json")));
        var options = Options();
        options.Retry = new VllmRetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) };
        var tokenizer = new VllmTokenizer(options, "m", handler.CreateClient());

        var result = await tokenizer.TokenizeAsync("x", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(9, result.Count);
    }

    [Fact]
    public async Task TokenizeAsync_NotJson_ThrowsVllmException()
    {
        var handler = InMemoryHandler.Answering("<html>proxy</html>");
        var tokenizer = new VllmTokenizer(Options(), "m", handler.CreateClient());

        var ex = await Assert.ThrowsAsync<VllmException>(() => tokenizer.TokenizeAsync("x", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("/tokenize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guards_NullArguments_ThrowWithParamName()
    {
        var tokenizer = new VllmTokenizer(Options(), "m", InMemoryHandler.Answering("{}").CreateClient());

        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmTokenizer(null!)).ParamName);
        Assert.Equal("defaultModelId", Assert.Throws<ArgumentException>(() => new VllmTokenizer(Options(), " ")).ParamName);
        Assert.Equal("text", (await Assert.ThrowsAsync<ArgumentNullException>(() => tokenizer.TokenizeAsync((string)null!, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => tokenizer.TokenizeAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("text", (await Assert.ThrowsAsync<ArgumentNullException>(() => tokenizer.CountTokensAsync((string)null!, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => tokenizer.CountTokensAsync((IEnumerable<ChatMessage>)null!, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("tokens", (await Assert.ThrowsAsync<ArgumentNullException>(() => tokenizer.DetokenizeAsync(null!, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
    }

    private static string? TextOf(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String ? content.GetString() : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
