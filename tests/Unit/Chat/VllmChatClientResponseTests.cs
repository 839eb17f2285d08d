using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>What the client makes of vLLM's answers: text, reasoning, usage, finish reasons, vLLM fields.</summary>
public sealed class VllmChatClientResponseTests
{
    private const string ReasoningText = "[test-model] reasoning: this is a scripted test server, not a model.";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_PlainAnswer_TextIdsModelCreatedAndFinishReason(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Equal("[test-model] echo: Hello", run.Response.Text);
        Assert.StartsWith("chatcmpl-", run.Response.ResponseId, StringComparison.Ordinal);
        Assert.Equal("test-model", run.Response.ModelId);
        Assert.NotNull(run.Response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
        Assert.Equal(ChatRole.Assistant, Assert.Single(run.Response.Messages).Role);
    }

    [Theory]
    [InlineData(false, "0.27.1", VllmReasoningField.ByVersion)]
    [InlineData(true, "0.27.1", VllmReasoningField.ByVersion)]
    [InlineData(false, "0.10.1", VllmReasoningField.ByVersion)]
    [InlineData(true, "0.10.1", VllmReasoningField.ByVersion)]
    [InlineData(false, "0.11.1", VllmReasoningField.ByVersion)]
    [InlineData(true, "0.11.1", VllmReasoningField.ByVersion)]
    [InlineData(false, "0.27.1", VllmReasoningField.Both)]
    [InlineData(true, "0.27.1", VllmReasoningField.Both)]
    [InlineData(false, "0.27.1", VllmReasoningField.ReasoningContent)]
    [InlineData(true, "0.27.1", VllmReasoningField.ReasoningContent)]
    public async Task Response_Reasoning_OnceAndBeforeTheTextUnderEitherName(bool stream, string version, VllmReasoningField field)
    {
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.ServerVersion = version;
            o.ReasoningField = field;
            o.Models.Add(VllmTestModel.Reasoning("r1"));
        });
        using var client = ChatTestHost.Client(server, model: "r1");

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        var contents = run.Response.Messages.SelectMany(m => m.Contents).Where(c => c is TextContent or TextReasoningContent).ToList();
        Assert.Equal(ReasoningText, string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)));
        var firstText = contents.FindIndex(c => c is TextContent);
        Assert.True(firstText > 0);
        Assert.All(contents.Take(firstText), c => Assert.IsType<TextReasoningContent>(c));
        Assert.DoesNotContain(contents.Skip(firstText), c => c is TextReasoningContent);
        Assert.Equal("[test-model] echo: Hello", run.Response.Text.TrimStart());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_Usage_MappedAndOneUsageContentInStream(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        var usage = run.Response.Usage!;
        Assert.True(usage.InputTokenCount > 0);
        Assert.True(usage.OutputTokenCount > 0);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        if (stream)
        {
            Assert.Single(run.Updates!.SelectMany(u => u.Contents).OfType<UsageContent>());
        }
    }

    [Fact]
    public async Task Response_ContinuousUsageStats_ExactlyOneUsageContentEqualToNonStreamingUsage()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        var plain = await ChatTestHost.RunAsync(client, "Hello there", null, stream: false);

        var run = await ChatTestHost.RunAsync(client, "Hello there", new ChatOptions().WithContinuousUsageStats(), stream: true);

        var usage = Assert.Single(run.Updates!.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(plain.Response.Usage!.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(plain.Response.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(plain.Response.Usage.TotalTokenCount, run.Response.Usage!.TotalTokenCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_CachedAndReasoningTokens_Mapped(bool stream)
    {
        var file = stream ? "chat-stream-usage-details.sse" : "chat-response-usage-details.json";
        using var http = new HttpClient(CannedServer.Handler(file));
        using var client = new VllmChatClient(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true }, "m", http);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Equal(32, run.Response.Usage!.CachedInputTokenCount);
        Assert.Equal(5, run.Response.Usage.ReasoningTokenCount);
        Assert.Equal(42, run.Response.Usage.InputTokenCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_LengthLimit_FinishReasonLength(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello there, how are you today?", new ChatOptions { MaxOutputTokens = 2 }, stream);

        Assert.Equal(ChatFinishReason.Length, run.Response.FinishReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_StopString_StopReasonInAdditionalProperties(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { StopSequences = ["echo"] }, stream);

        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
        var stopReason = stream
            ? run.Updates!.Single(u => u.FinishReason is not null).AdditionalProperties!["stop_reason"]
            : run.Response.AdditionalProperties!["stop_reason"];
        Assert.Equal("echo", stopReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_RepetitionFinishReason_KeptAsCustomReason(bool stream)
    {
        using var http = new HttpClient(CannedServer.Handler(stream ? "chat-stream-repetition.sse" : "chat-response-repetition.json"));
        using var client = new VllmChatClient(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true }, "m", http);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Equal(new ChatFinishReason("repetition"), run.Response.FinishReason);
    }

    [Fact]
    public async Task Response_NonStreaming_SystemFingerprintAndRawBytesAvailable()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var response = await client.GetResponseAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.StartsWith("vllm-", (string)response.AdditionalProperties!["system_fingerprint"]!, StringComparison.Ordinal);
        using var raw = JsonDocument.Parse(Assert.IsType<BinaryData>(response.RawRepresentation));
        Assert.Equal("chat.completion", raw.RootElement.GetProperty("object").GetString());
    }
}
