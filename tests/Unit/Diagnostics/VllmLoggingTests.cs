using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Reliability;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.SemanticKernel;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Diagnostics;

/// <summary>
/// What Connectors.Vllm logs through <see cref="VllmProviderOptions.LoggerFactory"/> (category <c>Connectors.Vllm</c>)
/// and through the container's <see cref="ILoggerFactory"/> when registered with the DI extensions.
/// </summary>
public sealed class VllmLoggingTests
{
    private const string Category = "Connectors.Vllm";

    /// <summary>A test server and a logger factory that records everything at Trace.</summary>
    private sealed class LoggedServer : IAsyncDisposable
    {
        private LoggedServer(VllmTestServer server, FakeLogCollector logs, ILoggerFactory factory) => (Server, Logs, Factory) = (server, logs, factory);

        public VllmTestServer Server { get; }

        public FakeLogCollector Logs { get; }

        public ILoggerFactory Factory { get; }

        public static async Task<LoggedServer> StartAsync()
        {
            var (logs, factory) = CreateLogging();
            return new LoggedServer(await ReliabilityHost.StartAsync(), logs, factory);
        }

        /// <summary>Options for the server that log to <see cref="Factory"/>.</summary>
        public VllmProviderOptions Options(string? apiKey = ReliabilityHost.Canary)
        {
            var options = ReliabilityHost.Options(Server.BaseUrl, apiKey);
            options.LoggerFactory = Factory;
            return options;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Factory.Dispose();
        }
    }

    /// <summary>A logger factory that records everything at Trace into the returned collector.</summary>
    internal static (FakeLogCollector Logs, ILoggerFactory Factory) CreateLogging()
    {
        var logs = new FakeLogCollector();
        return (logs, LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs))));
    }

    /// <summary>The records of one of our events (category <c>Connectors.Vllm</c>).</summary>
    internal static IReadOnlyList<FakeLogRecord> Ours(FakeLogCollector logs, string eventName)
        => logs.GetSnapshot().Where(r => r.Category == Category && r.Id.Name == eventName).ToList();

    /// <summary>A structured-state value of a record.</summary>
    internal static string? State(FakeLogRecord record, string key)
        => record.StructuredState?.FirstOrDefault(kv => kv.Key == key).Value;

    [Fact]
    public async Task ChatRetry_503ThenSuccess_LogsRetryScheduledWarningWithStatusAndAttempt()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, 0, times: 1));
        var options = host.Options();
        using var chat = new VllmChatClient(options, ReliabilityHost.ChatModel);

        await chat.GetResponseAsync("hello", cancellationToken: TestContext.Current.CancellationToken);

        var retry = Assert.Single(Ours(logs, "RetryScheduled"));
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Equal("503", State(retry, "Reason"));
        Assert.Equal("2", State(retry, "NextAttempt"));
        Assert.Equal("3", State(retry, "MaxAttempts"));
        Assert.EndsWith("/v1/chat/completions", State(retry, "Url"), StringComparison.Ordinal);
        Assert.Equal("POST", State(retry, "Method"));
    }

    [Fact]
    public async Task Discovery_Success_LogsModelsDiscoveredWithIds()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        var options = host.Options();
        using var discovery = new VllmModelDiscovery(options);

        await discovery.GetModelsAsync(TestContext.Current.CancellationToken);
        await discovery.GetModelsAsync(TestContext.Current.CancellationToken);

        var found = Assert.Single(Ours(logs, "ModelsDiscovered")); // the cached second call logs nothing
        Assert.Equal(LogLevel.Information, found.Level);
        Assert.Equal("2", State(found, "ModelCount"));
        Assert.Equal($"{ReliabilityHost.ChatModel}, {ReliabilityHost.EmbeddingModel}", State(found, "ModelIds"));
    }

    [Fact]
    public async Task Discovery_WrongKey_LogsDiscoveryFailedWarningWithStatusAndNoKey()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        var options = host.Options(apiKey: "sk-wrong-key-5e1f");
        using var discovery = new VllmModelDiscovery(options);

        await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(TestContext.Current.CancellationToken));

        var failed = Assert.Single(Ours(logs, "DiscoveryFailed"));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("401", State(failed, "StatusCode"));
        Assert.IsType<VllmException>(failed.Exception);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("sk-wrong-key-5e1f", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gate_PrivateAddressNotAllowed_LogsRefusalNamingTheSetting()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        var options = host.Options();
        options.AllowPrivateNetwork = false;
        using var chat = new VllmChatClient(options, ReliabilityHost.ChatModel);

        await Assert.ThrowsAsync<VllmException>(() => chat.GetResponseAsync("hello", cancellationToken: TestContext.Current.CancellationToken));

        var refused = Assert.Single(Ours(logs, "PrivateNetworkRefused"));
        Assert.Equal(LogLevel.Warning, refused.Level);
        Assert.Equal("127.0.0.1", State(refused, "Address"));
        Assert.Contains("AllowPrivateNetwork", refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Stream_ServerStalls_LogsStreamStalledWithIdleTimeout()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.StallMidStream, 2));
        var options = host.Options();
        options.FirstByteTimeout = TimeSpan.FromSeconds(30); // only the idle watchdog may fire
        options.StreamIdleTimeout = TimeSpan.FromMilliseconds(300);
        using var chat = new VllmChatClient(options, ReliabilityHost.ChatModel);

        await Assert.ThrowsAsync<VllmException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync("hello there", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        var stalled = Assert.Single(Ours(logs, "StreamStalled"));
        Assert.Equal(LogLevel.Warning, stalled.Level);
        Assert.Equal("0.3", State(stalled, "IdleSeconds"));
        Assert.Equal("StreamIdleTimeout", State(stalled, "Setting"));
        Assert.NotEqual("0", State(stalled, "BytesRead"));
    }

    [Theory]
    [InlineData(30, 60)]
    [InlineData(300, 60)]
    public void ChatClient_AnyFirstByteAndIdleTimeouts_NoTimeoutWarning(int firstByteSeconds, int idleSeconds)
    {
        // FirstByteTimeout no longer times the reads of a stream (only the headers), so the two settings do not interact
        // and the warning about their order (event 10) is retired. The stream test that proves it:
        // VllmChatClientTimeoutTests.GetStreamingResponseAsync_SilenceLongerThanFirstByteTimeout_Completes.
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        var options = new VllmProviderOptions
        {
            LoggerFactory = factory,
            FirstByteTimeout = TimeSpan.FromSeconds(firstByteSeconds),
            StreamIdleTimeout = TimeSpan.FromSeconds(idleSeconds),
        };

        using var chat = new VllmChatClient(options, "m");

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Reranker_NoRerankRoute_LogsFallbackOnce()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        const string scoreBody = """{"id":"score-1","object":"list","created":1,"model":"m","data":[{"index":0,"object":"score","score":0.2},{"index":1,"object":"score","score":0.9}],"usage":{"prompt_tokens":4,"total_tokens":4}}""";
        var handler = new InMemoryHandler(r => r.Path == "/rerank"
            ? InMemoryHandler.Json(TestFiles.Read("error-route-not-found.example.json"), HttpStatusCode.NotFound)
            : InMemoryHandler.Json(scoreBody));
        var options = new VllmProviderOptions { AllowPrivateNetwork = true, LoggerFactory = factory, Retry = new VllmRetryOptions { MaxAttempts = 1 } };
        var reranker = new VllmReranker(options, "m", handler.CreateClient());

        await reranker.RerankAsync("q", ["a", "b"], cancellationToken: TestContext.Current.CancellationToken);
        await reranker.RerankAsync("q", ["a", "b"], cancellationToken: TestContext.Current.CancellationToken);

        var fallback = Assert.Single(Ours(logs, "RerankFallbackToScore"));
        Assert.Equal(LogLevel.Information, fallback.Level);
        Assert.Equal("http://127.0.0.1:8000/rerank", State(fallback, "Url"));
    }

    [Fact]
    public async Task ServerVersion_Read_LogsVersionAtDebug()
    {
        await using var host = await LoggedServer.StartAsync();
        var (server, logs) = (host.Server, host.Logs);
        var options = host.Options();
        using var discovery = new VllmModelDiscovery(options);

        await discovery.GetServerInfoAsync(TestContext.Current.CancellationToken);

        var read = Assert.Single(Ours(logs, "ServerVersionRead"));
        Assert.Equal(LogLevel.Debug, read.Level);
        Assert.Equal(server.Options.ServerVersion, State(read, "Version"));
    }

    [Fact]
    public async Task ServerVersion_VersionRouteFails_LogsUnknownVersionAndStillAnswers()
    {
        var (logs, factory) = CreateLogging();
        using var _ = factory;
        const string chatBody = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
        var handler = new InMemoryHandler(r => r.Path == "/version"
            ? InMemoryHandler.Json("""{"object":"error","message":"boom","type":"InternalServerError","param":null,"code":500}""", HttpStatusCode.InternalServerError)
            : InMemoryHandler.Json(chatBody));
        var options = new VllmProviderOptions { AllowPrivateNetwork = true, LoggerFactory = factory, Retry = new VllmRetryOptions { MaxAttempts = 1 } };
        using var chat = new VllmChatClient(options, "m", handler.CreateClient());

        var response = await chat.GetResponseAsync("hello", new ChatOptions { MaxOutputTokens = 5 }, TestContext.Current.CancellationToken);

        Assert.Equal("hi", response.Text);
        var unknown = Assert.Single(Ours(logs, "ServerVersionUnknown"));
        Assert.Equal(LogLevel.Information, unknown.Level);
        Assert.Equal("500", State(unknown, "StatusCode"));
        Assert.DoesNotContain("boom", unknown.Message, StringComparison.Ordinal); // the server's text is never logged
    }

    [Fact]
    public async Task AddVllmChatClient_ContainerLogging_UsedWithoutChangingCallersOptions()
    {
        var logs = new FakeLogCollector();
        await using var server = await ReliabilityHost.StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.TooManyRequests, 0, times: 1));
        var options = ReliabilityHost.Options(server.BaseUrl);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        services.AddVllmChatClient(options, ReliabilityHost.ChatModel);
        await using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        await chat.GetResponseAsync("hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(options.LoggerFactory);
        var retry = Assert.Single(Ours(logs, "RetryScheduled"));
        Assert.Equal("429", State(retry, "Reason"));

        // The SDK's own request log (System.ClientModel) goes to the same factory, with the key redacted.
        var sdk = logs.GetSnapshot().Where(r => r.Category != null && r.Category.StartsWith("System.ClientModel", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sdk);
        foreach (var r in logs.GetSnapshot())
        {
            var text = $"{r.Category} {r.Message} {string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])}";
            Assert.False(text.Contains(ReliabilityHost.Canary, StringComparison.Ordinal), text);
        }
    }

    [Fact]
    public async Task HealthCheck_FromContainer_LogsProbeResultAtDebug()
    {
        var logs = new FakeLogCollector();
        await using var server = await ReliabilityHost.StartAsync();
        var options = ReliabilityHost.Options(server.BaseUrl);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        services.AddHealthChecks().AddVllm(options);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        var probed = Assert.Single(Ours(logs, "HealthProbed"));
        Assert.Equal(LogLevel.Debug, probed.Level);
        Assert.Equal("True", State(probed, "IsHealthy"));
        Assert.Equal("2", State(probed, "ModelCount"));
    }

    [Fact]
    public async Task AddVllmChatCompletion_KernelWithLogging_UsesTheKernelsLoggerFactory()
    {
        var logs = new FakeLogCollector();
        await using var server = await ReliabilityHost.StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, 0, times: 1));
        var builder = Kernel.CreateBuilder();
        builder.Services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        builder.AddVllmChatCompletion(ReliabilityHost.Options(server.BaseUrl), ReliabilityHost.ChatModel);
        var kernel = builder.Build();

        await kernel.InvokePromptAsync("hello", cancellationToken: TestContext.Current.CancellationToken);

        var retry = Assert.Single(Ours(logs, "RetryScheduled"));
        Assert.Equal("503", State(retry, "Reason"));
    }
}
