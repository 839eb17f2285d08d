using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>
/// Issue 19's "done when" for leaked tool calls: a Semantic Kernel kernel with automatic function calling and an Agent
/// Framework <see cref="ChatClientAgent"/> each complete a tool loop against a server that leaves hermes markup in the
/// text, with <see cref="VllmToolCallRecovery.Recover"/>; streamed and not.
/// </summary>
public sealed class ToolCallRecoveryAgentTests
{
    private static Task<VllmTestServer> StartLeakingServerAsync()
        => ChatTestHost.StartAsync(o => o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Hermes);

    private static void Recover(VllmProviderOptions options) => options.ToolCallRecovery = VllmToolCallRecovery.Recover;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SemanticKernel_AutoFunctionCallingAgainstLeakingServer_RunsFunctionAndAnswersWithResult(bool stream)
    {
        await using var server = await StartLeakingServerAsync();
        var calls = 0;
        var kernel = Kernel.CreateBuilder().AddVllmChatCompletion(ChatTestHost.Options(server, Recover), VllmTestServerOptions.DefaultModelId).Build();
        kernel.Plugins.AddFromFunctions("weather", [KernelFunctionFactory.CreateFromMethod((string city) => $"Sunny, 21 C in {city} (call {++calls})", "get_weather")]);
        var arguments = new KernelArguments(new VllmPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() });
        const string Prompt = "Use weather_get_weather: what is the weather in Paris?";
        var ct = TestContext.Current.CancellationToken;

        string answer;
        if (stream)
        {
            var text = new StringBuilder();
            await foreach (var update in kernel.InvokePromptStreamingAsync(Prompt, arguments, cancellationToken: ct))
            {
                text.Append(update);
            }

            answer = text.ToString();
        }
        else
        {
            answer = (await kernel.InvokePromptAsync(Prompt, arguments, cancellationToken: ct)).GetValue<string>()!;
        }

        Assert.Equal(1, calls);
        Assert.Contains("Sunny, 21 C", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("<tool_call>", answer, StringComparison.Ordinal);
        AssertToolLoopOnWire(server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AgentFramework_ChatClientAgentAgainstLeakingServer_RunsToolAndAnswersWithResult(bool stream)
    {
        await using var server = await StartLeakingServerAsync();
        var calls = 0;
        var weather = AIFunctionFactory.Create(
            (string city) =>
            {
                calls++;
                return $"Sunny, 21 C in {city}";
            },
            "get_weather",
            "Gets the weather for a city.");
        using var chatClient = ChatTestHost.Client(server, Recover);
        var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            Name = "weather-agent",
            ChatOptions = new ChatOptions { Tools = [weather] },
        });
        var ct = TestContext.Current.CancellationToken;
        var session = await agent.CreateSessionAsync(ct);
        const string Prompt = "What is the weather in Paris? Use get_weather.";

        string answer;
        if (stream)
        {
            var text = new StringBuilder();
            await foreach (var update in agent.RunStreamingAsync(Prompt, session, cancellationToken: ct))
            {
                text.Append(update.Text);
            }

            answer = text.ToString();
        }
        else
        {
            answer = (await agent.RunAsync(Prompt, session, cancellationToken: ct)).Text;
        }

        Assert.Equal(1, calls);
        Assert.Contains("Sunny, 21 C", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("<tool_call>", answer, StringComparison.Ordinal);
        AssertToolLoopOnWire(server);
    }

    /// <summary>Two requests: the call, then the answer to the tool's result; the second carries the recovered call back as
    /// a real <c>tool_calls</c> entry (9-character id) and the tool message answering it, and no markup.</summary>
    private static void AssertToolLoopOnWire(VllmTestServer server)
    {
        var requests = ChatTestHost.ChatRequests(server);
        Assert.Equal(2, requests.Count);
        var messages = JsonNode.Parse(requests[1].Body)!["messages"]!.AsArray();
        var assistant = messages.Single(m => (string)m!["role"]! == "assistant")!;
        var call = Assert.Single(assistant["tool_calls"]!.AsArray())!;
        Assert.Matches("^[a-zA-Z0-9]{9}$", (string)call["id"]!);
        Assert.DoesNotContain("<tool_call>", requests[1].Body, StringComparison.Ordinal);
        var tool = messages.Single(m => (string)m!["role"]! == "tool")!;
        Assert.Equal((string)call["id"]!, (string)tool["tool_call_id"]!);
    }
}
