using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenAI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>The client inside MEAI middleware, GetService, and guard clauses.</summary>
public sealed class VllmChatClientPipelineTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Middleware_LoggingTelemetryFunctionInvocation_KeepReasoningUsageAndSayVllm(bool stream)
    {
        var sourceName = "vllm-test-" + Guid.NewGuid().ToString("N");
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Reasoning("r1")));
        using var inner = ChatTestHost.Client(server, model: "r1");
        using var client = new ChatClientBuilder(inner)
            .UseLogging(loggerFactory)
            .UseOpenTelemetry(loggerFactory, sourceName)
            .UseFunctionInvocation()
            .Build();

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Contains(run.Response.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent);
        Assert.True(run.Response.Usage!.InputTokenCount > 0);
        if (stream)
        {
            Assert.Single(run.Updates!.SelectMany(u => u.Contents).OfType<UsageContent>());
        }

        var activity = Assert.Single(activities);
        Assert.Equal("vllm", activity.GetTagItem("gen_ai.provider.name") ?? activity.GetTagItem("gen_ai.system"));
        Assert.NotNull(activity.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.NotEmpty(logs.Collector.GetSnapshot());
    }

    [Fact]
    public async Task GetService_Metadata_VllmBaseUrlAndModelAnsweredThroughPipeline()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var inner = ChatTestHost.Client(server, model: "vllm/test-model");
        using var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();

        var metadata = client.GetService<ChatClientMetadata>()!;

        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(server.BaseUrl, metadata.ProviderUri);
        Assert.Equal("test-model", metadata.DefaultModelId);
        Assert.Same(inner, client.GetService<VllmChatClient>());
        Assert.NotNull(inner.GetService<OpenAIClient>());
        Assert.NotNull(inner.GetService<OpenAI.Chat.ChatClient>());
        Assert.NotNull(inner.GetService<VllmModelDiscovery>());
        Assert.Same(inner, inner.GetService<IChatClient>());
        Assert.Same(inner, inner.GetService<object>());
        Assert.Null(inner.GetService(typeof(string)));
        Assert.Null(inner.GetService(typeof(ChatClientMetadata), "some-key"));
    }

    [Fact]
    public void GetService_OnlyConfiguredModel_IsTheDefaultModel()
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true };
        options.Models.Add(new VllmModelDefinition { Id = "Qwen/Qwen3-8B" });
        using var client = new VllmChatClient(options);

        Assert.Equal("Qwen/Qwen3-8B", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Constructor_NullOptions_Throws()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmChatClient(null!)).ParamName);

    [Fact]
    public void Constructor_WhitespaceModel_Throws()
        => Assert.Equal("defaultModelId", Assert.Throws<ArgumentException>(() => new VllmChatClient(new VllmProviderOptions(), " ")).ParamName);

    [Fact]
    public async Task GetResponseAsync_NullMessages_Throws()
    {
        using var client = new VllmChatClient(new VllmProviderOptions(), "m");

        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("messages", ex.ParamName);
    }

    [Fact]
    public void GetStreamingResponseAsync_NullMessages_ThrowsAtCall()
    {
        using var client = new VllmChatClient(new VllmProviderOptions(), "m");

        Assert.Equal("messages", Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken)).ParamName);
    }

    [Fact]
    public void GetService_NullType_Throws()
    {
        using var client = new VllmChatClient(new VllmProviderOptions(), "m");

        Assert.Equal("serviceType", Assert.Throws<ArgumentNullException>(() => client.GetService(null!)).ParamName);
    }

    [Fact]
    public void Extensions_NullOptionsAndArguments_Throw()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => VllmChatOptionsExtensions.WithMinP(null!, 0.1f)).ParamName);
        Assert.Equal("tokenIds", Assert.Throws<ArgumentNullException>(() => new ChatOptions().WithStopTokenIds(null!)).ParamName);
        Assert.Equal("constraint", Assert.Throws<ArgumentNullException>(() => new ChatOptions().WithStructuredOutputs(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new ChatOptions().WithVllmOption("not_a_field", 1)).ParamName);
        Assert.Equal("pattern", Assert.Throws<ArgumentNullException>(() => VllmStructuredOutputs.Regex(null!)).ParamName);
        Assert.Equal("choices", Assert.Throws<ArgumentException>(() => VllmStructuredOutputs.Choice()).ParamName);
    }

    [Fact]
    public void Extensions_EachNullOrEmptyArgument_ThrowsNamingItAndLeavesOptionsUnchanged()
    {
        var options = new ChatOptions();

        Assert.Equal("tokenIds", Assert.Throws<ArgumentNullException>(() => options.WithStopTokenIds(null!)).ParamName);
        Assert.Equal("words", Assert.Throws<ArgumentNullException>(() => options.WithBadWords(null!)).ParamName);
        Assert.Equal("kwargs", Assert.Throws<ArgumentNullException>(() => options.WithChatTemplateKwargs(null!)).ParamName);
        Assert.Equal("effort", Assert.Throws<ArgumentNullException>(() => options.WithReasoningEffort(null!)).ParamName);
        Assert.Equal("constraint", Assert.Throws<ArgumentNullException>(() => options.WithStructuredOutputs(null!)).ParamName);
        Assert.Equal("salt", Assert.Throws<ArgumentNullException>(() => options.WithCacheSalt(null!)).ParamName);
        Assert.Equal("salt", Assert.Throws<ArgumentException>(() => options.WithCacheSalt("")).ParamName);
        Assert.Equal("requestId", Assert.Throws<ArgumentNullException>(() => options.WithRequestId(null!)).ParamName);
        Assert.Equal("requestId", Assert.Throws<ArgumentException>(() => options.WithRequestId("")).ParamName);
        Assert.Equal("effort", Assert.Throws<ArgumentNullException>(() => VllmChatOptionsExtensions.WithReasoningEffort(null!, null!)).ParamName);
        Assert.Null(options.AdditionalProperties);
    }

    [Fact]
    public void FieldNames_CoverEveryVllmExtraRequestField()
    {
        using var document = System.Text.Json.JsonDocument.Parse(TestFiles.Read("chat-request-fields.json"));

        foreach (var name in document.RootElement.GetProperty("vllm_extra").EnumerateArray().Select(e => e.GetString()!))
        {
            Assert.Contains(name, VllmChatOptionsExtensions.FieldNames);
        }

        Assert.Contains("structured_outputs", VllmChatOptionsExtensions.FieldNames);
    }

    [Fact]
    public void Dispose_SuppliedHttpClient_LeftUsable()
    {
        using var http = new HttpClient();
        var client = new VllmChatClient(new VllmProviderOptions(), "m", http);

        client.Dispose();

        Assert.Null(Record.Exception(http.CancelPendingRequests));
    }
}
