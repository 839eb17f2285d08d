using System;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>
/// <see cref="ChatOptions.Reasoning"/> and the <c>reasoning_effort</c> extra on the wire: sent for models whose reasoning
/// is undeclared (discovered models), refused for models declared <c>Reasoning = false</c>, and mapped to what the
/// server's version accepts.
/// </summary>
public sealed class VllmChatClientReasoningEffortTests
{
    private static ChatOptions Effort(ReasoningEffort effort) => new() { Reasoning = new ReasoningOptions { Effort = effort } };

    [Theory]
    [InlineData(false, ReasoningEffort.High, "high")]
    [InlineData(true, ReasoningEffort.High, "high")]
    [InlineData(false, ReasoningEffort.None, "none")]
    [InlineData(true, ReasoningEffort.ExtraHigh, "xhigh")]
    public async Task Request_ReasoningEffortOnDiscoveredModel_Sent(bool stream, ReasoningEffort effort, string expected)
    {
        // No configured models: the model comes from /v1/models, and discovery never declares Reasoning.
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("Qwen/Qwen3-8B")));
        using var client = ChatTestHost.Client(server, model: "vllm/Qwen/Qwen3-8B");
        var discovery = client.GetService<VllmModelDiscovery>()!;
        await discovery.GetModelsAsync(TestContext.Current.CancellationToken);
        Assert.Null((await discovery.FindModelAsync("Qwen/Qwen3-8B", TestContext.Current.CancellationToken))!.Reasoning);

        var run = await ChatTestHost.RunAsync(client, "Hello", Effort(effort), stream);

        Assert.Equal(expected, (string)ChatTestHost.LastChatBody(server)["reasoning_effort"]!);
        Assert.All(ChatTestHost.ChatRequests(server), r => Assert.Equal(200, r.StatusCode));
        Assert.NotEmpty(run.Response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_ReasoningEffortExtraOnUndeclaredModel_SentAndWinsOverReasoningOptions(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", Effort(ReasoningEffort.High).WithReasoningEffort("low"), stream);

        Assert.Equal("low", (string)ChatTestHost.LastChatBody(server)["reasoning_effort"]!);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Request_ReasoningEffortOnModelDeclaredNotReasoning_NotSupportedAndNothingSent(bool stream, bool viaExtra)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Chat("plain")));
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "plain", Reasoning = false }), model: "plain");
        var options = viaExtra ? new ChatOptions().WithReasoningEffort("medium") : Effort(ReasoningEffort.Medium);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => ChatTestHost.CallAsync(client, "Hello", options, stream));

        Assert.Contains("'plain'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Reasoning = false", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"medium\"", ex.Message, StringComparison.Ordinal);
        Assert.Empty(ChatTestHost.ChatRequests(server));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_EffortNoneOnModelDeclaredNotReasoning_SentWithoutReasoningEffort(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Chat("plain")));
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "plain", Reasoning = false }), model: "plain");

        await ChatTestHost.RunAsync(client, "Hello", Effort(ReasoningEffort.None), stream);

        Assert.False(ChatTestHost.LastChatBody(server).ContainsKey("reasoning_effort"));
    }

    [Theory]
    [InlineData(false, "0.17.1", "xhigh", "high")]
    [InlineData(true, "0.17.1", "minimal", "low")]
    [InlineData(false, "0.17.1", "none", null)]
    [InlineData(true, "0.17.1", "medium", "medium")]
    [InlineData(false, "0.20.2", "none", "none")]
    [InlineData(true, "0.20.2", "max", "high")]
    [InlineData(false, "0.21.0", "max", "max")]
    [InlineData(true, "0.21.0", "minimal", "minimal")]
    [InlineData(false, "0.10.0", "high", null)]
    [InlineData(true, "0.10.1", "high", "high")]
    public async Task Request_ReasoningEffortOnOlderServer_MappedToAcceptedValueOrLeftOut(bool stream, string version, string effort, string? expected)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.ServerVersion = version;
            o.Models.Add(VllmTestModel.Reasoning("r1"));
        });
        using var client = ChatTestHost.Client(server, model: "r1");

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithReasoningEffort(effort), stream);

        var body = ChatTestHost.LastChatBody(server);
        Assert.Equal(expected, body.ContainsKey("reasoning_effort") ? (string?)body["reasoning_effort"] : null);
        Assert.Contains(server.Requests, r => r.Path == "/version");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_ReasoningOutputNone_SentAsIncludeReasoningFalseAndNoReasoningReturned(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var client = ChatTestHost.Client(server, model: "r1");

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } }, stream);

        var body = ChatTestHost.LastChatBody(server);
        Assert.False((bool)body["include_reasoning"]!);
        Assert.False(body.ContainsKey("reasoning_effort"));
        Assert.DoesNotContain(run.Response.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent);
    }

    [Theory]
    [InlineData(ReasoningOutput.Full)]
    [InlineData(ReasoningOutput.Summary)]
    public async Task Request_ReasoningOutputFullOrSummary_NothingSent(ReasoningOutput output)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var client = ChatTestHost.Client(server, model: "r1");

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Reasoning = new ReasoningOptions { Output = output } }, stream: false);

        Assert.False(ChatTestHost.LastChatBody(server).ContainsKey("include_reasoning"));
    }

    [Fact]
    public async Task Request_ReasoningOutputNoneOnServerBefore0101_IncludeReasoningLeftOut()
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.ServerVersion = "0.10.0";
            o.Models.Add(VllmTestModel.Reasoning("r1"));
        });
        using var client = ChatTestHost.Client(server, model: "r1");

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } }, stream: false);

        Assert.False(ChatTestHost.LastChatBody(server).ContainsKey("include_reasoning"));
    }

    [Fact]
    public async Task Request_IncludeReasoningExtra_WinsOverReasoningOutput()
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var client = ChatTestHost.Client(server, model: "r1");

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } }.WithIncludeReasoning(true), stream: false);

        Assert.True((bool)ChatTestHost.LastChatBody(server)["include_reasoning"]!);
    }
}
