using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Connectors.Vllm.Tests.Unit.Tokenization;

/// <summary>The tokenizer and the token-budget reducer against the in-process vLLM test server (strict mode).</summary>
public sealed class VllmTokenizerServerTests
{
    private static VllmProviderOptions Options(VllmTestServer server) => new()
    {
        BaseUrl = server.BaseUrl,
        ApiKey = server.Options.ApiKey,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    private static string Words(int n) => string.Join(' ', Enumerable.Repeat("word", n));

    [Fact]
    public async Task TokenizeAsync_TextAgainstServer_CountsMatchTokensAndRoundTrip()
    {
        var serverOptions = new VllmTestServerOptions { ApiKey = "k" };
        serverOptions.Models.Add(VllmTestModel.Chat("chat-model", maxModelLen: 4096));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var tokenizer = new VllmTokenizer(Options(server), "chat-model");

        var result = await tokenizer.TokenizeAsync("Hello world!", new VllmTokenizeOptions { ReturnTokenStrings = true, AddSpecialTokens = false }, TestContext.Current.CancellationToken);
        var text = await tokenizer.DetokenizeAsync(result.Tokens, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["Hello", "Ġworld", "!"], result.TokenStrings!);
        Assert.Equal(3, result.Count);
        Assert.Equal(result.Count, result.Tokens.Count);
        Assert.Equal(4096, result.MaxModelLen);
        Assert.Equal("Hello world!", text);
        Assert.Equal(["/tokenize", "/detokenize"], server.Requests.Select(r => r.Path));
        Assert.All(server.Requests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task CountTokensAsync_MessagesAgainstServer_EqualsWhatChatCompletionsCounts()
    {
        var serverOptions = new VllmTestServerOptions();
        serverOptions.Models.Add(VllmTestModel.Chat("chat-model", maxModelLen: 4096));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var tokenizer = new VllmTokenizer(Options(server), "chat-model");
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "What is the capital of France?")];

        var count = await tokenizer.CountTokensAsync(messages, TestContext.Current.CancellationToken);
        using var chat = CreateChatClient(server, "chat-model");
        var response = await chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 16 }, TestContext.Current.CancellationToken);

        Assert.True(count > 10);
        Assert.Equal(count, response.Usage!.InputTokenCount);
        Assert.Equal(200, server.Requests[0].StatusCode);
    }

    [Fact]
    public async Task UseVllmTokenBudget_OverflowingConversation_ChatSucceedsWhereUnreducedFails()
    {
        var serverOptions = new VllmTestServerOptions();
        serverOptions.Models.Add(VllmTestModel.Chat("small", maxModelLen: 300));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var reducer = new VllmTokenBudgetChatReducer(new VllmTokenizer(Options(server), "small"));
        var ct = TestContext.Current.CancellationToken;
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, Words(100)),
            new(ChatRole.Assistant, Words(100)),
            new(ChatRole.User, Words(60)),
            new(ChatRole.Assistant, Words(20)),
            new(ChatRole.User, "And now?"),
        ];
        var options = new ChatOptions { MaxOutputTokens = 50 };
        using var plain = CreateChatClient(server, "small");
        using var reduced = new ChatClientBuilder(CreateChatClient(server, "small")).UseVllmTokenBudget(reducer).Build();

        var unreduced = await Assert.ThrowsAnyAsync<Exception>(() => plain.GetResponseAsync(conversation, options, ct));
        server.Reset();
        var response = await reduced.GetResponseAsync(conversation, options, ct);

        Assert.Contains("maximum context length", unreduced.Message, StringComparison.Ordinal);
        Assert.NotEmpty(response.Text);
        var chatRequest = server.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Equal(200, chatRequest.StatusCode);
        var sent = JsonDocument.Parse(chatRequest.Body).RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal("system", sent[0].GetProperty("role").GetString());
        Assert.Equal("user", sent[1].GetProperty("role").GetString());
        Assert.Contains("And now?", sent[^1].GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.True(sent.Length < conversation.Count);
        Assert.Equal(2, server.Requests.Count(r => r.Path == "/tokenize"));
    }

    [Fact]
    public async Task UseVllmTokenBudget_InstructionsReasoningAndTools_TokenizeGetsTheMessagesAndToolsChatSends()
    {
        var serverOptions = new VllmTestServerOptions();
        serverOptions.Models.Add(VllmTestModel.Chat("chat-model", maxModelLen: 4096));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var reducer = new VllmTokenBudgetChatReducer(new VllmTokenizer(Options(server), "chat-model"));
        using var client = new ChatClientBuilder(new VllmChatClient(Options(server), "chat-model")).UseVllmTokenBudget(reducer).Build();
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Is it warm in Paris?"),
            new(ChatRole.Assistant, [new TextReasoningContent("The user asks about Paris."), new TextContent("Mild.")]),
            new(ChatRole.User, "And in Rome?"),
        ];
        var options = new ChatOptions
        {
            Instructions = "Answer in French.",
            Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather")],
            MaxOutputTokens = 16,
        };

        await client.GetResponseAsync(conversation, options, TestContext.Current.CancellationToken);

        var tokenize = JsonDocument.Parse(server.Requests.Single(r => r.Path == "/tokenize").Body).RootElement;
        var chat = JsonDocument.Parse(server.Requests.Single(r => r.Path == "/v1/chat/completions").Body).RootElement;
        Assert.Equal(chat.GetProperty("messages").GetRawText(), tokenize.GetProperty("messages").GetRawText());
        Assert.Equal(chat.GetProperty("tools").GetRawText(), tokenize.GetProperty("tools").GetRawText());
        Assert.StartsWith("Answer in French.", chat.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("The user asks about Paris.", chat.GetProperty("messages")[2].GetProperty("reasoning").GetString());
        Assert.All(server.Requests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task ReduceAsync_SingleOversizedTurnAgainstServer_ThrowsBeforeChatIsSent()
    {
        var serverOptions = new VllmTestServerOptions();
        serverOptions.Models.Add(VllmTestModel.Chat("small", maxModelLen: 300));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var reducer = new VllmTokenBudgetChatReducer(new VllmTokenizer(Options(server), "small"), new VllmTokenBudgetOptions { MaxOutputTokens = 50 });
        using var client = new ChatClientBuilder(CreateChatClient(server, "small")).UseChatReducer(reducer).Build();

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, Words(400))], null, TestContext.Current.CancellationToken));

        Assert.Contains("300 tokens", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task TokenizeAsync_UnknownModelAgainstServer_ThrowsNotFoundWithHint()
    {
        await using var server = await VllmTestServer.StartAsync(null, TestContext.Current.CancellationToken);
        var tokenizer = new VllmTokenizer(Options(server), "no-such-model");

        var ex = await Assert.ThrowsAsync<VllmException>(() => tokenizer.CountTokensAsync("x", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("model", ex.Param);
        Assert.NotNull(ex.Hint);
    }

    private static IChatClient CreateChatClient(VllmTestServer server, string model)
    {
        var endpoint = VllmEndpoint.Resolve(Options(server));
        var client = VllmOpenAIClientFactory.Create(new VllmTransport(endpoint, null));
        return client.GetChatClient(model).AsIChatClient();
    }
}
