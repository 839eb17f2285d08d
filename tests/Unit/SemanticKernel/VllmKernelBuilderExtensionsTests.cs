using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.SemanticKernel;

public sealed class VllmKernelBuilderExtensionsTests : IAsyncLifetime
{
    private VllmTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Reasoning("reasoner"));
        options.Models.Add(VllmTestModel.Chat("plain"));
        options.Models.Add(VllmTestModel.Embedding("embedder", dimensions: 32));
        options.Models.Add(VllmTestModel.Reasoning("small-reasoner", maxModelLen: 300));
        _server = await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private VllmProviderOptions Options() => new() { BaseUrl = _server.BaseUrl, AllowPrivateNetwork = true };

    [Fact]
    public async Task AddVllmChatCompletion_InvokePrompt_ReturnsServerAnswer()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();

        var result = await kernel.InvokePromptAsync("Tell me about vLLM", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("Tell me about vLLM", result.GetValue<string>(), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.Equal("plain", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AddVllmChatCompletion_Streaming_ConcatenatesToFullAnswerAndReportsUsage()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();
        var service = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("stream me");

        var text = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in service.GetStreamingChatMessageContentsAsync(history, kernel: kernel, cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Append(update.Content);
            if (update.Metadata?.TryGetValue("Usage", out var u) == true)
            {
                Assert.Null(usage); // exactly one usage report per stream
                usage = Assert.IsType<UsageContent>(u).Details;
            }
        }

        Assert.Contains("stream me", text.ToString(), StringComparison.Ordinal);
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }

    [Fact]
    public async Task AddVllmChatCompletion_ReasoningModel_ReasoningAndUsageInMetadata()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "reasoner").Build();
        var service = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("think first");

        var message = await service.GetChatMessageContentAsync(history, kernel: kernel, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(message.Metadata);
        var reasoning = Assert.IsType<string>(message.Metadata["reasoning"]);
        Assert.NotEmpty(reasoning);
        Assert.DoesNotContain(reasoning, message.Content ?? string.Empty, StringComparison.Ordinal);
        Assert.IsType<UsageDetails>(message.Metadata["Usage"]);
    }

    [Fact]
    public async Task AddVllmChatCompletion_Logprobs_TypedTokensInMetadata()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();
        var service = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Hello");
        var settings = new VllmPromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["logprobs"] = true } };

        var message = await service.GetChatMessageContentAsync(history, settings, kernel, TestContext.Current.CancellationToken);

        var tokens = Assert.IsAssignableFrom<IReadOnlyList<VllmTokenLogprob>>(message.Metadata!["logprobs"]);
        Assert.Equal(message.Content, string.Concat(tokens.Select(t => t.Token)));
    }

    [Fact]
    public async Task AddVllmChatCompletion_ReasoningModelStreaming_ReasoningDeltasInMetadata()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "reasoner").Build();
        var service = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("think first");

        var reasoning = new StringBuilder();
        var text = new StringBuilder();
        await foreach (var update in service.GetStreamingChatMessageContentsAsync(history, kernel: kernel, cancellationToken: TestContext.Current.CancellationToken))
        {
            if (update.Metadata?.TryGetValue("reasoning", out var r) == true)
            {
                Assert.Equal(0, text.Length); // reasoning comes before the answer
                reasoning.Append((string)r!);
            }

            text.Append(update.Content);
        }

        Assert.NotEqual(0, reasoning.Length);
        Assert.Contains("think first", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatCompletion_AutoFunctionCalling_RunsKernelFunctionOnceAndAnswersWithResult()
    {
        var calls = 0;
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();
        kernel.Plugins.AddFromFunctions("weather",
        [
            KernelFunctionFactory.CreateFromMethod(
                ([Description("The city.")] string city) =>
                {
                    calls++;
                    return $"Sunny, 21 C in {city}";
                },
                "get_weather",
                "Gets the weather for a city."),
        ]);
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var result = await kernel.InvokePromptAsync("Use weather_get_weather: what is the weather in Paris?", new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, calls);
        Assert.Contains("Sunny, 21 C", result.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count(r => r.Path == "/v1/chat/completions"));
    }

    [Fact]
    public async Task AddVllmChatCompletion_AutoFunctionCallingWithReasoningModel_ToolTurnReasoningSentBack()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "reasoner").Build();
        kernel.Plugins.AddFromFunctions("weather", [KernelFunctionFactory.CreateFromMethod((string city) => $"Sunny in {city}", "get_weather")]);
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        await kernel.InvokePromptAsync("Use weather_get_weather: what is the weather in Paris?", new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        var requests = _server.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        Assert.Equal(2, requests.Count);
        var assistant = System.Text.Json.Nodes.JsonNode.Parse(requests[1].Body)!["messages"]!.AsArray().Single(m => (string)m!["role"]! == "assistant")!;
        Assert.NotNull(assistant["tool_calls"]);
        Assert.False(string.IsNullOrEmpty((string?)assistant["reasoning"]));
    }

    [Fact]
    public async Task AddVllmChatCompletion_ChatHistoryNextTurn_EarlierReasoningSentBackFromMetadata()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "reasoner").Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("What is 2 + 3?");

        var first = await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.Add(first);
        history.AddUserMessage("And 4 more?");
        await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var thought = Assert.IsType<string>(first.Metadata!["reasoning"]);
        var second = _server.Requests.Where(r => r.Path == "/v1/chat/completions").Last();
        var assistant = System.Text.Json.Nodes.JsonNode.Parse(second.Body)!["messages"]!.AsArray().Single(m => (string)m!["role"]! == "assistant")!;
        Assert.Equal(thought, (string?)assistant["reasoning"]);
        Assert.Equal(first.Content, (string?)assistant["content"]);
        Assert.IsType<string>(history[1].Metadata!["reasoning"]); // the caller's history is unchanged
    }

    [Fact]
    public async Task AddVllmChatCompletion_ExtensionData_SentUnderWireNames()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();
        var settings = new VllmPromptExecutionSettings { TopK = 20, MinP = 0.05, RepetitionPenalty = 1.1, MinTokens = 2, Temperature = 0.2 };
        settings.ExtensionData = new System.Collections.Generic.Dictionary<string, object> { ["cache_salt"] = "tenant-a" };

        await kernel.InvokePromptAsync("extras", new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        var root = body.RootElement;
        Assert.Equal(20, root.GetProperty("top_k").GetInt32());
        Assert.Equal(0.05, root.GetProperty("min_p").GetDouble(), 6);
        Assert.Equal(1.1, root.GetProperty("repetition_penalty").GetDouble(), 6);
        Assert.Equal(2, root.GetProperty("min_tokens").GetInt32());
        Assert.Equal(0.2, root.GetProperty("temperature").GetDouble(), 6);
        Assert.Equal("tenant-a", root.GetProperty("cache_salt").GetString());
    }

    [Fact]
    public async Task AddVllmChatCompletion_UnsetTypedSettings_AreNotSent()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain").Build();

        await kernel.InvokePromptAsync("only top_k", new KernelArguments(new VllmPromptExecutionSettings { TopK = 5 }), cancellationToken: TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.Equal(5, body.RootElement.GetProperty("top_k").GetInt32());
        foreach (var name in new[] { "min_p", "repetition_penalty", "min_tokens", "priority", "seed", "max_tokens", "chat_template_kwargs", "temperature" })
        {
            Assert.False(body.RootElement.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void VllmPromptExecutionSettings_FrozenEveryProperty_RejectsChangesAndKeepsValue()
    {
        var settings = new VllmPromptExecutionSettings
        {
            Temperature = 0.5, TopP = 0.9, TopK = 40, MinP = 0.1, RepetitionPenalty = 1.1, MaxTokens = 64, MinTokens = 2, Seed = 7, Priority = 3,
            ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = false },
        };
        var kwargs = settings.ChatTemplateKwargs;
        settings.Freeze();

        Assert.Throws<InvalidOperationException>(() => settings.Temperature = 1);
        Assert.Throws<InvalidOperationException>(() => settings.TopP = 1);
        Assert.Throws<InvalidOperationException>(() => settings.TopK = 1);
        Assert.Throws<InvalidOperationException>(() => settings.MinP = 1);
        Assert.Throws<InvalidOperationException>(() => settings.RepetitionPenalty = 1);
        Assert.Throws<InvalidOperationException>(() => settings.MaxTokens = 1);
        Assert.Throws<InvalidOperationException>(() => settings.MinTokens = 1);
        Assert.Throws<InvalidOperationException>(() => settings.Seed = 1);
        Assert.Throws<InvalidOperationException>(() => settings.Priority = 1);
        Assert.Throws<InvalidOperationException>(() => settings.ChatTemplateKwargs = null);
        Assert.Equal<(double?, double?, int?, double?, double?, int?, int?, long?, int?)>((0.5, 0.9, 40, 0.1, 1.1, 64, 2, 7L, 3), (settings.Temperature, settings.TopP, settings.TopK, settings.MinP, settings.RepetitionPenalty, settings.MaxTokens, settings.MinTokens, settings.Seed, settings.Priority));
        Assert.Same(kwargs, settings.ChatTemplateKwargs);
    }

    [Fact]
    public void VllmPromptExecutionSettings_Frozen_RejectsChanges()
    {
        var settings = new VllmPromptExecutionSettings { MinP = 0.1 };
        settings.Freeze();

        Assert.Throws<InvalidOperationException>(() => settings.MinP = 0.2);
        Assert.Equal(0.1, settings.MinP);
    }

    [Fact]
    public void AddVllmChatCompletion_ServiceId_RegistersKeyedServices()
    {
        var kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(Options(), "plain", serviceId: "local")
            .Build();

        Assert.NotNull(kernel.Services.GetKeyedService<IChatCompletionService>("local"));
        Assert.NotNull(kernel.Services.GetKeyedService<IChatClient>("local")?.GetService<VllmChatClient>());
    }

    [Fact]
    public async Task AddVllmEmbeddingGenerator_Kernel_GeneratesEmbeddings()
    {
        var kernel = Kernel.CreateBuilder().AddVllmEmbeddingGenerator(Options(), "embedder").Build();

        var generator = kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["one", "two"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(32, e.Vector.Length));
    }

    private static VllmPromptExecutionSettings FullSettings() => new()
    {
        ServiceId = "local",
        FunctionChoiceBehavior = FunctionChoiceBehavior.None(),
        ExtensionData = new Dictionary<string, object> { ["cache_salt"] = "tenant-a" },
        Temperature = 0.2,
        TopP = 0.9,
        TopK = 20,
        MinP = 0.05,
        RepetitionPenalty = 1.1,
        MaxTokens = 64,
        MinTokens = 2,
        Seed = 42,
        Priority = 3,
        ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = false },
    };

    [Fact]
    public void VllmPromptExecutionSettings_Clone_CopiesEveryField()
    {
        var original = FullSettings();
        original.ModelId = "plain";

        var clone = Assert.IsType<VllmPromptExecutionSettings>(original.Clone());

        Assert.Equal(original.ModelId, clone.ModelId);
        Assert.Equal(original.ServiceId, clone.ServiceId);
        Assert.Same(original.FunctionChoiceBehavior, clone.FunctionChoiceBehavior);
        Assert.Equal(original.ExtensionData, clone.ExtensionData);
        Assert.NotSame(original.ExtensionData, clone.ExtensionData);
        // Every vLLM property: set in FullSettings (so a new one must be added there) and equal on the clone.
        foreach (var property in typeof(VllmPromptExecutionSettings).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly))
        {
            var expected = property.GetValue(original);
            Assert.True(expected is not null, property.Name + " is not set in FullSettings");
            var actual = property.GetValue(clone);
            if (expected is IEnumerable sequence)
            {
                Assert.Equal(sequence.Cast<object?>(), Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>());
                Assert.NotSame(expected, actual);
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public async Task VllmPromptExecutionSettings_Clone_SendsTheSameRequestBody()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain", serviceId: "local").Build();
        var original = FullSettings();

        await kernel.InvokePromptAsync("same request", new KernelArguments(original), cancellationToken: TestContext.Current.CancellationToken);
        await kernel.InvokePromptAsync("same request", new KernelArguments(original.Clone()), cancellationToken: TestContext.Current.CancellationToken);

        var requests = _server.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        using var body = JsonDocument.Parse(requests[1].Body);
        Assert.Equal(20, body.RootElement.GetProperty("top_k").GetInt32());
        Assert.Equal(3, body.RootElement.GetProperty("priority").GetInt32());
        Assert.False(body.RootElement.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
    }

    [Fact]
    public void VllmPromptExecutionSettings_CloneOfFrozen_IsNotFrozenAndDoesNotShareState()
    {
        var original = FullSettings();
        original.Freeze();

        var clone = Assert.IsType<VllmPromptExecutionSettings>(original.Clone());
        clone.TopK = 7;
        clone.ChatTemplateKwargs!["enable_thinking"] = true;
        clone.ExtensionData!["cache_salt"] = "tenant-b";

        Assert.False(clone.IsFrozen);
        Assert.True(original.IsFrozen);
        Assert.Equal(20, original.TopK);
        Assert.Equal(false, original.ChatTemplateKwargs!["enable_thinking"]);
        Assert.Equal("tenant-a", original.ExtensionData!["cache_salt"]);
    }

    private static ChatHistory OverflowingHistory()
    {
        static string Words(int n) => string.Join(' ', Enumerable.Repeat("word", n));
        var history = new ChatHistory("Be brief.");
        history.AddUserMessage(Words(100));
        history.AddAssistantMessage(Words(100));
        history.AddUserMessage(Words(60));
        history.AddAssistantMessage(Words(20));
        history.AddUserMessage("And now?");
        return history;
    }

    private IKernelBuilder WithTokenBudget(IKernelBuilder builder)
    {
        var reducer = new VllmTokenBudgetChatReducer(new VllmTokenizer(Options(), "small-reasoner"), new VllmTokenBudgetOptions { MaxOutputTokens = 50 });
        return builder.AddVllmChatCompletion(Options(), "small-reasoner", configure: b => b.UseVllmTokenBudget(reducer));
    }

    [Fact]
    public async Task AddVllmChatCompletion_ConfigureWithTokenBudget_ReducesHistoryAndFillsReasoningAndUsage()
    {
        var kernel = WithTokenBudget(Kernel.CreateBuilder()).Build();
        var history = OverflowingHistory();

        var message = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var chatRequest = Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions");
        Assert.Equal(200, chatRequest.StatusCode);
        var sent = JsonDocument.Parse(chatRequest.Body).RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.True(sent.Length < history.Count, $"{sent.Length} of {history.Count} messages sent");
        Assert.Contains("And now?", sent[^1].GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.Path == "/tokenize");
        Assert.False(string.IsNullOrEmpty(Assert.IsType<string>(message.Metadata!["reasoning"])));
        Assert.IsType<UsageDetails>(message.Metadata["Usage"]);
        Assert.Equal(6, history.Count); // the caller's history is not reduced
    }

    [Fact]
    public async Task AddVllmChatCompletion_ConfigureWithTokenBudgetStreaming_ReducesHistoryAndFillsReasoningAndUsage()
    {
        var kernel = WithTokenBudget(Kernel.CreateBuilder()).Build();
        var history = OverflowingHistory();

        var reasoning = new StringBuilder();
        UsageContent? usage = null;
        await foreach (var update in kernel.GetRequiredService<IChatCompletionService>().GetStreamingChatMessageContentsAsync(history, cancellationToken: TestContext.Current.CancellationToken))
        {
            if (update.Metadata?.TryGetValue("reasoning", out var r) == true)
            {
                reasoning.Append((string)r!);
            }

            if (update.Metadata?.TryGetValue("Usage", out var u) == true)
            {
                usage = Assert.IsType<UsageContent>(u);
            }
        }

        var chatRequest = Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions");
        Assert.Equal(200, chatRequest.StatusCode);
        Assert.True(JsonDocument.Parse(chatRequest.Body).RootElement.GetProperty("messages").GetArrayLength() < history.Count);
        Assert.NotEqual(0, reasoning.Length);
        Assert.NotNull(usage);
    }

    [Fact]
    public void AddVllmChatCompletion_ConfigureReturnsNull_ResolvingThrowsNamingTheParameter()
    {
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(Options(), "plain", configure: _ => null!).Build();

        var ex = Assert.Throws<InvalidOperationException>(() => kernel.GetRequiredService<IChatCompletionService>());

        Assert.Contains("'configure'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllmChatCompletion_NullArguments_ThrowWithParamName()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => VllmKernelBuilderExtensions.AddVllmChatCompletion(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => Kernel.CreateBuilder().AddVllmChatCompletion((VllmProviderOptions)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => VllmKernelBuilderExtensions.AddVllmEmbeddingGenerator(null!)).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => VllmKernelServiceCollectionExtensions.AddVllmChatCompletion(null!)).ParamName);
    }
}
