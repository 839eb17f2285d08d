using System;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Xunit;
using MeaiFunctionCall = Microsoft.Extensions.AI.FunctionCallContent;
using MeaiFunctionResult = Microsoft.Extensions.AI.FunctionResultContent;
using SkFunctionCall = Microsoft.SemanticKernel.FunctionCallContent;
using SkFunctionResult = Microsoft.SemanticKernel.FunctionResultContent;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Semantic Kernel (<c>FunctionChoiceBehavior.Auto()</c>, reasoning and usage metadata) and MEAI dependency injection.</content>
public abstract partial class VllmIntegrationTests
{
    private const string NoTools = "tool calling is not enabled (vLLM needs --enable-auto-tool-choice --tool-call-parser; then set VLLM_TOOLS=1).";

    [Fact]
    public Task Kernel_FunctionChoiceAuto_InvokesPluginFunctionWithValidArguments() => KernelToolsAsync(streaming: false);

    [Fact]
    public Task Kernel_FunctionChoiceAutoStreaming_InvokesPluginFunctionWithValidArguments() => KernelToolsAsync(streaming: true);

    [Fact]
    public async Task Kernel_ReasoningModel_ReasoningAndUsageInMetadata()
    {
        Require(Kind.ReasoningModel is not null, "no reasoning model is configured (VLLM_REASONING_MODEL, served with --reasoning-parser).");
        var kernel = BuildKernel(Kind.ReasoningModel);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("What is 2 + 3? Answer with the number only.");

        var answer = await chat.GetChatMessageContentAsync(history, new VllmPromptExecutionSettings { MaxTokens = 1024, Temperature = 0 }, kernel, Ct);

        Assert.NotNull(answer.Metadata);
        var reasoning = Assert.IsType<string>(answer.Metadata["reasoning"]);
        Assert.False(string.IsNullOrWhiteSpace(reasoning));
        var usage = Assert.IsType<UsageDetails>(answer.Metadata["Usage"]);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Kernel_Streaming_UsageInMetadata()
    {
        Require(Kind.Capabilities.StreamUsage, "the server does not send usage on streams (stream_options.include_usage).");
        var kernel = BuildKernel(Kind.ChatModel);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Say hello in one short sentence.");

        UsageDetails? usage = null;
        await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, KernelSettings(ShortAnswerTokens, auto: false), kernel, Ct))
        {
            // SK's convention in a stream: the UsageContent itself under "Usage".
            if (update.Metadata?.TryGetValue("Usage", out var value) == true && value is UsageContent content)
            {
                usage = content.Details;
            }
        }

        Assert.NotNull(usage);
        Assert.True(usage.InputTokenCount > 0);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task AddVllmChatClient_WithFunctionInvocationMiddleware_ResolvedClientCallsTool()
    {
        Require(Kind.Capabilities.Tools, NoTools);
        var calls = 0;
        var weather = AIFunctionFactory.Create(([Description("The city name, for example Paris")] string city) => { Interlocked.Increment(ref calls); return $"{city}: sunny"; }, "get_weather", "Gets the current weather for a city.");
        var services = new ServiceCollection();
        services.AddVllmChatClient(Kind.Options, Kind.ChatModel).UseFunctionInvocation();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        var options = ShortAnswer(512);
        options.Tools = [weather];

        var response = await client.GetResponseAsync(Ask(WeatherPrompt), options, Ct);

        Assert.True(calls > 0, "get_weather was invoked");
        Assert.Equal("vllm", client.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
    }

    private async Task KernelToolsAsync(bool streaming)
    {
        Require(Kind.Capabilities.Tools, NoTools);
        var calls = 0;
        Func<string, string> getWeather = ([Description("The city name, for example Paris")] city) =>
        {
            Interlocked.Increment(ref calls);
            return $"{city}: 21 degrees Celsius, sunny";
        };
        var kernel = BuildKernel(Kind.ChatModel);
        kernel.Plugins.AddFromFunctions("weather", [KernelFunctionFactory.CreateFromMethod(getWeather, "get_weather", "Gets the current weather for a city.")]);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        // SK advertises plugin functions as <plugin>_<function>.
        history.AddUserMessage("What is the weather in Paris right now? Call the weather_get_weather tool, then answer in one sentence.");
        var settings = KernelSettings(512, auto: true);

        string answer;
        if (streaming)
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, settings, kernel, Ct))
            {
                text.Append(update.Content);
            }

            answer = text.ToString();
        }
        else
        {
            answer = (await chat.GetChatMessageContentAsync(history, settings, kernel, Ct)).Content ?? string.Empty;
        }

        Assert.True(calls > 0, "the kernel invoked weather.get_weather; tools sent: " + SentToolNames());
        Assert.False(string.IsNullOrWhiteSpace(answer), "the model answered after the tool result");

        // The history now holds SK's call and result items; judge them like the MEAI ones.
        var transcript = history.Select(m => new ChatMessage(
            m.Role == AuthorRole.Tool ? ChatRole.Tool : m.Role == AuthorRole.User ? ChatRole.User : ChatRole.Assistant,
            [.. m.Items.Select<KernelContent, AIContent?>(i => i switch
            {
                SkFunctionCall c => new MeaiFunctionCall(c.Id ?? string.Empty, c.PluginName is null ? c.FunctionName : $"{c.PluginName}_{c.FunctionName}", c.Arguments?.ToDictionary(a => a.Key, a => a.Value)),
                SkFunctionResult r => new MeaiFunctionResult(r.CallId ?? string.Empty, r.Result),
                _ => null,
            }).OfType<AIContent>()])).ToList();
        var declaration = AIFunctionFactory.Create(getWeather, "weather_get_weather", "Gets the current weather for a city.");
        var result = await new ToolCallCorrectnessEvaluator().EvaluateAsync(
            transcript, new ChatResponse(), additionalContext: [new ToolCallExpectation("weather_get_weather", [declaration])], cancellationToken: Ct);
        Kind.Evaluations.RecordAndAssert(streaming ? "tools-sk-streaming" : "tools-sk", result);
    }

    private string SentToolNames() => Kind.TestServer is null
        ? "(not observed)"
        : string.Join(", ", Kind.TestServer.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r =>
        {
            using var body = System.Text.Json.JsonDocument.Parse(r.Body);
            return body.RootElement.TryGetProperty("tools", out var tools)
                ? string.Join("+", tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()))
                : "none";
        }).TakeLast(3));

    private Kernel BuildKernel(string? model)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddVllmChatCompletion(Kind.Options, model);
        return builder.Build();
    }

    private VllmPromptExecutionSettings KernelSettings(int maxTokens, bool auto)
    {
        var settings = new VllmPromptExecutionSettings { MaxTokens = maxTokens, Temperature = 0, Seed = 7 };
        if (auto)
        {
            settings.FunctionChoiceBehavior = FunctionChoiceBehavior.Auto();
        }

        if (Kind.ReasoningModel is not null && Kind.ReasoningModel == Kind.ChatModel)
        {
            settings.ChatTemplateKwargs = new System.Collections.Generic.Dictionary<string, object?> { ["enable_thinking"] = false };
        }

        return settings;
    }
}
