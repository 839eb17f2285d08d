using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Embeddings;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.ChatTests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Diagnostics;

/// <summary>
/// An <c>AdditionalProperties</c> key that is not sent (a misspelt extra) is reported once per client as a Warning
/// naming the key and the closest field that is sent; values are never logged; keys that are sent or handled are not reported.
/// </summary>
public sealed class VllmUnknownOptionKeyLoggingTests
{
    private const string EventName = "UnknownOptionKey";
    private const string SecretValue = "value-that-must-not-be-logged";

    private static (FakeLogCollector Logs, ILoggerFactory Factory) CreateLogging() => VllmLoggingTests.CreateLogging();

    private static IReadOnlyList<FakeLogRecord> Warnings(FakeLogCollector logs) => VllmLoggingTests.Ours(logs, EventName);

    private static string? State(FakeLogRecord record, string key) => VllmLoggingTests.State(record, key);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_MisspeltExtraOnRepeatedCalls_OneWarningNamingKeyAndClosestField(bool stream)
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);
        var options = new ChatOptions { AdditionalProperties = new() { ["top_kk"] = 5, ["min_pp"] = SecretValue } };

        await ChatTestHost.RunAsync(client, "Hello", options, stream);
        await ChatTestHost.RunAsync(client, "Hello", options, stream);
        await ChatTestHost.RunAsync(client, "Hello", options, !stream);

        var warnings = Warnings(logs);
        Assert.Equal(["min_pp", "top_kk"], warnings.Select(w => State(w, "Key")).Order(StringComparer.Ordinal));
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        var topKk = warnings.Single(w => State(w, "Key") == "top_kk");
        Assert.Contains("ChatOptions.AdditionalProperties[\"top_kk\"]", topKk.Message, StringComparison.Ordinal);
        Assert.Contains("\"top_k\"", topKk.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RawRepresentationFactory", topKk.Message, StringComparison.Ordinal);
        Assert.Contains("\"min_p\"", warnings.Single(w => State(w, "Key") == "min_pp").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(SecretValue, StringComparison.Ordinal));
        Assert.All(ChatTestHost.ChatRequests(server), r => Assert.DoesNotContain("top_kk", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_KeyNearNoField_WarningSaysHowToSendAFieldOfANewerVllm()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { AdditionalProperties = new() { ["speculative_budget_ms"] = 5 } }, stream: false);

        var warning = Assert.Single(Warnings(logs));
        Assert.Contains("ChatOptions.RawRepresentationFactory", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Patch.Set", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MisspeltExtraOnConcurrentCalls_OneWarning()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);
        var options = new ChatOptions { AdditionalProperties = new() { ["top_kk"] = 5 } };

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => ChatTestHost.RunAsync(client, "Hello", options, stream: i % 2 == 0)));

        Assert.Single(Warnings(logs));
    }

    [Fact]
    public async Task Chat_SameMisspeltExtraOnAnotherClient_WarnedAgain()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        var options = new ChatOptions { AdditionalProperties = new() { ["top_kk"] = 5 } };
        using (var first = ChatTestHost.Client(server, o => o.LoggerFactory = factory))
        {
            await ChatTestHost.RunAsync(first, "Hello", options, stream: false);
        }

        using var second = ChatTestHost.Client(server, o => o.LoggerFactory = factory);
        await ChatTestHost.RunAsync(second, "Hello", options, stream: false);

        Assert.Equal(2, Warnings(logs).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_KnownAndMeaiKeys_NotWarned(bool stream)
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);
        var options = new ChatOptions { AdditionalProperties = new() { ["strict"] = true } }
            .WithVllmOption(VllmChatOptionsExtensions.TopK, 5)
            .WithMinP(0.1f)
            .WithReasoningEffort("low")
            .WithContinuousUsageStats()
            .WithIncludeReasoning(true);

        await ChatTestHost.RunAsync(client, "Hello", options, stream);

        Assert.Empty(Warnings(logs));
    }

    [Fact]
    public async Task Chat_TypedFieldAsExtra_WarningNamesTheChatOptionsProperty()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { AdditionalProperties = new() { ["temperature"] = 0.2 } }, stream: false);

        Assert.Contains("ChatOptions.Temperature", Assert.Single(Warnings(logs)).Message, StringComparison.Ordinal);
        Assert.False(ChatTestHost.LastChatBody(server).ContainsKey("temperature"));
    }

    [Fact]
    public async Task Embeddings_MisspeltExtraOnRepeatedCalls_OneWarningAndKnownKeysNotWarned()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        var serverOptions = new VllmTestServerOptions { Strict = true };
        serverOptions.Models.Add(VllmTestModel.Embedding("embed"));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var options = new VllmProviderOptions { BaseUrl = server.BaseUrl, AllowPrivateNetwork = true, LoggerFactory = factory };
        using var generator = new VllmEmbeddingGenerator(options, "embed");
        var embeddingOptions = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new()
            {
                ["truncate_prompt_token"] = SecretValue,
                ["matryoshka_pooling_mode"] = SecretValue,
                [VllmChatOptionsExtensions.Priority] = 1,
                [VllmChatOptionsExtensions.AddSpecialTokens] = true,
            },
        };

        await generator.GenerateAsync(["a"], embeddingOptions, TestContext.Current.CancellationToken);
        await generator.GenerateAsync(["b"], embeddingOptions, TestContext.Current.CancellationToken);

        var warnings = Warnings(logs);
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.DoesNotContain(SecretValue, w.Message, StringComparison.Ordinal));
        var misspelt = warnings.Single(w => State(w, "Key") == "truncate_prompt_token");
        Assert.Contains("EmbeddingGenerationOptions.AdditionalProperties[\"truncate_prompt_token\"]", misspelt.Message, StringComparison.Ordinal);
        Assert.Contains("\"truncate_prompt_tokens\"", misspelt.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RawRepresentationFactory", misspelt.Message, StringComparison.Ordinal);
        Assert.Contains("EmbeddingGenerationOptions.RawRepresentationFactory", warnings.Single(w => State(w, "Key") == "matryoshka_pooling_mode").Message, StringComparison.Ordinal);
    }
}
