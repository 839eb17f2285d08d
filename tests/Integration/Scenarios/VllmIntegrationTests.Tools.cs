using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Tool calling with automatic invocation through MEAI's function-invocation middleware.</content>
public abstract partial class VllmIntegrationTests
{
    private const string WeatherPrompt = "What is the weather in Paris right now? Call the get_weather tool, then answer in one sentence.";

    [Fact]
    public Task GetResponseAsync_UseFunctionInvocation_CallsRightToolWithValidArguments() => FunctionInvocationAsync(streaming: false);

    [Fact]
    public Task GetStreamingResponseAsync_UseFunctionInvocation_CallsRightToolWithValidArguments() => FunctionInvocationAsync(streaming: true);

    private async Task FunctionInvocationAsync(bool streaming)
    {
        Require(Kind.Capabilities.Tools, "tool calling is not enabled (vLLM needs --enable-auto-tool-choice --tool-call-parser; then set VLLM_TOOLS=1).");
        var weatherCalls = 0;
        var weather = AIFunctionFactory.Create(
            ([Description("The city name, for example Paris")] string city) =>
            {
                Interlocked.Increment(ref weatherCalls);
                return $"{city}: 21 degrees Celsius, sunny";
            },
            "get_weather",
            "Gets the current weather for a city.");
        var clock = AIFunctionFactory.Create(() => "12:00", "get_time", "Gets the current time of day.");
        using var inner = CreateChatClient();
        using var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();
        var options = ShortAnswer(512);
        options.Tools = [weather, clock];
        var messages = Ask(WeatherPrompt);

        var response = streaming
            ? (await StreamAsync(client, messages, options)).Response
            : await client.GetResponseAsync(messages, options, Ct);

        Assert.True(weatherCalls > 0, "get_weather was invoked by the middleware");
        var expectation = new ToolCallExpectation("get_weather", [weather, clock]);
        var result = await new ToolCallCorrectnessEvaluator().EvaluateAsync(messages, response, additionalContext: [expectation], cancellationToken: Ct);
        Kind.Evaluations.RecordAndAssert(streaming ? "tools-meai-streaming" : "tools-meai", result);
        Assert.False(string.IsNullOrWhiteSpace(response.Text), "the model answered after the tool result");
        Assert.True(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Any());
    }
}
