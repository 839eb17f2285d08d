using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Tokenization;

public sealed class VllmTokenBudgetChatReducerTests
{
    private static VllmProviderOptions Options() => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = 1 },
    };

    private static string Words(int n) => string.Join(' ', Enumerable.Repeat("w", n));

    private static (VllmTokenBudgetChatReducer Reducer, InMemoryHandler Handler) Create(int maxModelLen, VllmTokenBudgetOptions? options = null, VllmProviderOptions? provider = null)
    {
        var handler = new InMemoryHandler(FakeTokenizer.Responder(maxModelLen));
        var tokenizer = new VllmTokenizer(provider ?? Options(), "m", handler.CreateClient());
        return (new VllmTokenBudgetChatReducer(tokenizer, options), handler);
    }

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, Words(10)),   // 14 tokens
        new(ChatRole.User, Words(100)),    // turn 0: 104
        new(ChatRole.Assistant, Words(100)), //        104
        new(ChatRole.User, Words(100)),    // turn 1: 104
        new(ChatRole.Assistant, Words(100)), //        104
        new(ChatRole.User, Words(20)),     // turn 2: 24
    ];

    [Fact]
    public async Task ReduceAsync_ConversationFits_ReturnsItUnchangedWithOneTokenizeCall()
    {
        var (reducer, handler) = Create(1000, new VllmTokenBudgetOptions { MaxOutputTokens = 100 });
        var messages = Conversation();

        var result = await reducer.ReduceWithBudgetAsync(messages, null, TestContext.Current.CancellationToken);

        Assert.Single(handler.Requests);
        Assert.Equal(messages, result.Messages);
        Assert.Equal(456, result.PromptTokens); // 14 + 4*104 + 24 + 2 (generation prompt)
        Assert.Equal(1000, result.ContextWindow);
        Assert.Equal(0, result.DroppedMessages);
        Assert.Equal(1, result.TokenizeCalls);
    }

    [Fact]
    public async Task ReduceAsync_Overflow_DropsOldestTurnsKeepsSystemAndConfirmsCount()
    {
        var (reducer, handler) = Create(400, new VllmTokenBudgetOptions { MaxOutputTokens = 100 });
        var messages = Conversation();

        var reduced = (await reducer.ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        // Budget 300: turn 0 must go (456 - 208 = 248 fits).
        Assert.Equal([messages[0], messages[3], messages[4], messages[5]], reduced);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(248, FakeTokenizer.Count(handler.Requests[1].Json));
    }

    [Fact]
    public async Task ReduceAsync_EstimateTooLow_DropsMoreUntilConfirmedFit()
    {
        // The first message is long in characters but cheap in tokens, so the size estimate overrates it and
        // the first candidate still overflows; the reducer must measure again and drop one more turn.
        var (reducer, handler) = Create(250, new VllmTokenBudgetOptions { MaxOutputTokens = 50 });
        List<ChatMessage> messages =
        [
            new(ChatRole.User, new string('x', 4000)),   // 5 tokens, huge weight
            new(ChatRole.Assistant, Words(100)),
            new(ChatRole.User, Words(100)),
            new(ChatRole.Assistant, Words(100)),
            new(ChatRole.User, Words(10)),
        ];

        var result = await reducer.ReduceWithBudgetAsync(messages, null, TestContext.Current.CancellationToken);

        // 333 tokens in all, budget 200: dropping turn 0 looks enough by size (estimate 33) but measures 224.
        Assert.Equal([messages[4]], result.Messages);
        Assert.Equal(16, result.PromptTokens);
        Assert.Equal(FakeTokenizer.Count(handler.Requests[^1].Json), result.PromptTokens);
        Assert.Equal(3, result.TokenizeCalls);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task ReduceAsync_ToolCallTurn_NeverSeparatesCallFromResult()
    {
        var (reducer, _) = Create(260, new VllmTokenBudgetOptions { MaxOutputTokens = 20 });
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "be brief"),
            new(ChatRole.User, Words(50)),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["q"] = Words(5) })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", Words(80))]),
            new(ChatRole.Assistant, Words(40)),
            new(ChatRole.User, Words(30)),
            new(ChatRole.Assistant, [new FunctionCallContent("c2", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c2", Words(60))]),
        ];

        var reduced = (await reducer.ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal([messages[0], messages[5], messages[6], messages[7]], reduced);
        var calls = reduced.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToHashSet();
        var results = reduced.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(c => c.CallId).ToHashSet();
        Assert.Equal(calls, results);
    }

    [Fact]
    public async Task ReduceAsync_NewestTurnAloneTooLarge_ThrowsVllmExceptionBeforeSending()
    {
        var (reducer, _) = Create(200, new VllmTokenBudgetOptions { MaxOutputTokens = 50 });
        List<ChatMessage> messages = [new(ChatRole.System, "s"), new(ChatRole.User, Words(10)), new(ChatRole.Assistant, "ok"), new(ChatRole.User, Words(300))];

        var ex = await Assert.ThrowsAsync<VllmException>(() => reducer.ReduceAsync(messages, TestContext.Current.CancellationToken));

        Assert.Null(ex.StatusCode);
        Assert.Null(ex.ServerMessage);
        Assert.Matches(
            "^The token-budget reducer cannot fit the prompt into the context window, so nothing was sent: the newest turn alone \\(with the system messages\\) needs [0-9]+ tokens, "
            + "but the model's context window is 200 tokens and 50 are reserved for the output, leaving 150 for the prompt\\. Hint: Shorten the last message ",
            ex.Message);
        Assert.DoesNotContain("vLLM", ex.Message.Split(" Hint: ")[0], StringComparison.Ordinal);
        Assert.NotNull(ex.Hint);
    }

    [Fact]
    public async Task ReduceWithBudgetAsync_InstructionsToolsAndTemplateArguments_AreCountedLikeTheChatRequest()
    {
        var (reducer, handler) = Create(1000);
        var options = new ChatOptions
        {
            ModelId = "vllm/other",
            Instructions = "Answer in French.",
            Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather")],
            AdditionalProperties = new() { ["chat_template_kwargs"] = new Dictionary<string, object?> { ["enable_thinking"] = false } },
        };

        var result = await reducer.ReduceWithBudgetAsync([new ChatMessage(ChatRole.User, "Bonjour")], options, TestContext.Current.CancellationToken);

        var body = Assert.Single(handler.Requests).Json;
        Assert.Equal("other", body.GetProperty("model").GetString());
        var first = body.GetProperty("messages")[0];
        Assert.Equal("system", first.GetProperty("role").GetString());
        Assert.Contains("Answer in French.", first.GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.False(body.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
        Assert.Equal([ChatRole.User], result.Messages.Select(m => m.Role));
        Assert.Equal(FakeTokenizer.Count(body), result.PromptTokens);
    }

    [Fact]
    public async Task ReduceAsync_ContextWindowFromModelEntry_WinsOverTokenizeAnswer()
    {
        var provider = Options();
        provider.Models.Add(new VllmModelDefinition { Id = "m", ContextWindow = 300, MaxTokens = 100 });
        var (reducer, _) = Create(100_000, provider: provider);

        var result = await reducer.ReduceWithBudgetAsync(Conversation(), null, TestContext.Current.CancellationToken);

        Assert.Equal(300, result.ContextWindow);
        Assert.True(result.PromptTokens <= 200);
        Assert.Equal(100, result.MaxOutputTokens);
    }

    [Fact]
    public async Task ReduceWithBudgetAsync_NothingSetsReserve_ResultSaysMinOutputTokensWereReserved()
    {
        var (reducer, _) = Create(400, new VllmTokenBudgetOptions { MinOutputTokens = 300 });

        var result = await reducer.ReduceWithBudgetAsync(Conversation(), null, TestContext.Current.CancellationToken);

        Assert.Equal(300, result.ReservedOutputTokens);
        Assert.Null(result.MaxOutputTokens); // nothing to put on the request: the server sizes the output
        Assert.Equal(40, result.PromptTokens); // system 14 + newest turn 24 + 2: only that fits in 400 - 300
        Assert.True(result.PromptTokens + result.ReservedOutputTokens <= result.ContextWindow);
    }

    [Theory]
    [InlineData(null, 150)]   // the reducer's own MaxOutputTokens
    [InlineData(120, 120)]    // the request's MaxOutputTokens wins
    public async Task ReduceWithBudgetAsync_ReserveRequestedOrConfigured_ResultReportsIt(int? requested, int reserved)
    {
        var (reducer, _) = Create(1000, new VllmTokenBudgetOptions { MaxOutputTokens = 150 });

        var result = await reducer.ReduceWithBudgetAsync(Conversation(), new ChatOptions { MaxOutputTokens = requested }, TestContext.Current.CancellationToken);

        Assert.Equal(reserved, result.ReservedOutputTokens);
        Assert.Equal(reserved, result.MaxOutputTokens);
    }

    [Fact]
    public async Task ReduceWithBudgetAsync_Clamp_ReservesMinOutputTokensAndReportsWhatFits()
    {
        var (reducer, _) = Create(500, new VllmTokenBudgetOptions { ClampMaxOutputTokens = true, MinOutputTokens = 20 });

        var result = await reducer.ReduceWithBudgetAsync(Conversation(), new ChatOptions { MaxOutputTokens = 1000 }, TestContext.Current.CancellationToken);

        Assert.Equal(20, result.ReservedOutputTokens);
        Assert.Equal(44, result.MaxOutputTokens); // 500 - 456
    }

    [Fact]
    public async Task UseVllmTokenBudget_RequestMaxOutputTokens_ReservesItAndForwardsReducedMessages()
    {
        var (reducer, _) = Create(400);
        var inner = new CapturingChatClient();
        using var client = new ChatClientBuilder(inner).UseVllmTokenBudget(reducer).Build();
        var options = new ChatOptions { MaxOutputTokens = 100 };

        await client.GetResponseAsync(Conversation(), options, TestContext.Current.CancellationToken);
        await foreach (var _ in client.GetStreamingResponseAsync(Conversation(), options, TestContext.Current.CancellationToken))
        {
        }

        Assert.Equal(2, inner.Calls.Count);
        foreach (var (messages, sentOptions) in inner.Calls)
        {
            Assert.Equal(4, messages.Count);
            Assert.Same(options, sentOptions);
        }
    }

    [Fact]
    public async Task UseVllmTokenBudget_ClampMaxOutputTokens_KeepsConversationAndLowersOutput()
    {
        var (reducer, _) = Create(500, new VllmTokenBudgetOptions { ClampMaxOutputTokens = true, MinOutputTokens = 20 });
        var inner = new CapturingChatClient();
        using var client = new ChatClientBuilder(inner).UseVllmTokenBudget(reducer).Build();
        var options = new ChatOptions { MaxOutputTokens = 1000 };

        await client.GetResponseAsync(Conversation(), options, TestContext.Current.CancellationToken);

        var (messages, sent) = Assert.Single(inner.Calls);
        Assert.Equal(6, messages.Count);
        Assert.Equal(44, sent!.MaxOutputTokens); // 500 - 456
        Assert.Equal(1000, options.MaxOutputTokens); // the caller's options are untouched
    }

    [Fact]
    public async Task UseChatReducer_MeaiReducingChatClient_ReducesWithConfiguredReserve()
    {
        var (reducer, _) = Create(400, new VllmTokenBudgetOptions { MaxOutputTokens = 100 });
        var inner = new CapturingChatClient();
        using var client = new ChatClientBuilder(inner).UseChatReducer(reducer).Build();

        await client.GetResponseAsync(Conversation(), null, TestContext.Current.CancellationToken);

        Assert.Equal(4, Assert.Single(inner.Calls).Messages.Count);
    }

    [Fact]
    public async Task Guards_NullArguments_ThrowWithParamName()
    {
        var (reducer, _) = Create(100);

        Assert.Equal("tokenizer", Assert.Throws<ArgumentNullException>(() => new VllmTokenBudgetChatReducer(null!)).ParamName);
        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => reducer.ReduceAsync(null!, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => VllmTokenBudgetChatClientBuilderExtensions.UseVllmTokenBudget(null!, reducer)).ParamName);
        Assert.Equal("reducer", Assert.Throws<ArgumentNullException>(() => new ChatClientBuilder(new CapturingChatClient()).UseVllmTokenBudget(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => new VllmTokenBudgetChatReducer(new VllmTokenizer(Options()), new VllmTokenBudgetOptions { ContextWindow = 0 })).ParamName);
    }

    private sealed class CapturingChatClient : IChatClient
    {
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((messages.ToList(), options));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Calls.Add((messages.ToList(), options));
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
