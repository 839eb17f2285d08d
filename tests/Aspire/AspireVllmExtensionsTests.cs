using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace Connectors.Vllm.Aspire.Tests;

/// <summary>The client integration on a generic host (no Aspire, no Docker) against the in-process test server.</summary>
public sealed class AspireVllmExtensionsTests : IAsyncLifetime
{
    private const string ChatModel = "served-chat";
    private const string EmbeddingModel = "served-embedder";
    private VllmTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new VllmTestServerOptions { ApiKey = "secret-key" };
        options.Models.Add(VllmTestModel.Chat(ChatModel));
        options.Models.Add(VllmTestModel.Chat("other-chat"));
        options.Models.Add(VllmTestModel.Embedding(EmbeddingModel, dimensions: 8));
        _server = await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The connection string the hosting package writes for the test server.</summary>
    private string ConnectionString(string model = ChatModel, string key = "secret-key") => $"Endpoint={_server.BaseUrl};Model={model};Key={key}";

    private static HostApplicationBuilder Builder(params (string Key, string? Value)[] configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));
        return builder;
    }

    /// <summary>One chat call, whole or streamed; returns the answer's text.</summary>
    private static async Task<string> ChatAsync(IChatClient client, string prompt, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        return stream
            ? string.Concat(await client.GetStreamingResponseAsync(prompt, cancellationToken: ct).Select(u => u.Text).ToListAsync(ct))
            : (await client.GetResponseAsync(prompt, cancellationToken: ct)).Text;
    }

    /// <summary>A host with <c>AddVllmChatClient("vllm")</c> on <paramref name="configuration"/>, one chat call through it.</summary>
    private static async Task<string> ChatOnceAsync((string Key, string? Value)[] configuration, bool stream)
    {
        var builder = Builder(configuration);
        builder.AddVllmChatClient("vllm");
        using var host = builder.Build();
        return await ChatAsync(host.Services.GetRequiredService<IChatClient>(), "hi", stream);
    }

    /// <summary>The configuration key an API-key hint tells the user to set (<c>Set ApiKey (&lt;key&gt; in configuration…</c>).</summary>
    private static string KeyNamedIn(string? hint)
    {
        var key = Regex.Match(hint ?? string.Empty, @"Set ApiKey \((?<key>\S+) in configuration").Groups["key"].Value;
        Assert.False(string.IsNullOrEmpty(key), $"The hint names no configuration key: {hint}");
        return key;
    }

    [Fact]
    public async Task AddVllmChatClient_ConnectionString_ChatRoundTripWithModelAndKey()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:AllowPrivateNetwork", "true"));
        builder.AddVllmChatClient("vllm");
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("hello from aspire", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("echo: hello from aspire", response.Text, StringComparison.Ordinal);
        var request = Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions");
        Assert.Contains($"\"model\":\"{ChatModel}\"", request.Body, StringComparison.Ordinal);
        Assert.Equal("Bearer secret-key", request.Headers["Authorization"]);
        Assert.Equal("vllm", client.GetService<ChatClientMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task AddVllmChatClient_Streaming_ReachesTheServer()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()));
        builder.AddVllmChatClient("vllm", s => s.AllowPrivateNetwork = true);
        using var host = builder.Build();

        var text = await ChatAsync(host.Services.GetRequiredService<IChatClient>(), "streamed", stream: true);

        Assert.Contains("echo: streamed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedVllmChatClient_TwoConnections_EachUsesItsOwnModelAndNoUnkeyedClient()
    {
        var builder = Builder(
            ("ConnectionStrings:first", ConnectionString(ChatModel)),
            ("ConnectionStrings:second", ConnectionString("other-chat")),
            ("Aspire:Vllm:AllowPrivateNetwork", "true"));
        builder.AddKeyedVllmChatClient("first");
        builder.AddKeyedVllmChatClient("second");
        using var host = builder.Build();

        await host.Services.GetRequiredKeyedService<IChatClient>("first").GetResponseAsync("one", cancellationToken: TestContext.Current.CancellationToken);
        await host.Services.GetRequiredKeyedService<IChatClient>("second").GetResponseAsync("two", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(host.Services.GetService<IChatClient>());
        var bodies = _server.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r => r.Body).ToList();
        Assert.Contains(bodies, b => b.Contains($"\"model\":\"{ChatModel}\"", StringComparison.Ordinal) && b.Contains("one", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("\"model\":\"other-chat\"", StringComparison.Ordinal) && b.Contains("two", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddVllmEmbeddingGenerator_KeyedAndNot_GenerateFromTheServer()
    {
        var builder = Builder(("ConnectionStrings:emb", ConnectionString(EmbeddingModel)), ("Aspire:Vllm:emb:AllowPrivateNetwork", "true"));
        builder.AddVllmEmbeddingGenerator("emb");
        builder.AddKeyedVllmEmbeddingGenerator("emb");
        using var host = builder.Build();

        var plain = await host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()
            .GenerateAsync(["a"], cancellationToken: TestContext.Current.CancellationToken);
        var keyed = await host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("emb")
            .GenerateAsync(["b"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(8, Assert.Single(plain).Vector.Length);
        Assert.Equal(8, Assert.Single(keyed).Vector.Length);
        Assert.Equal(2, _server.Requests.Count(r => r.Path == "/v1/embeddings" && r.Body.Contains($"\"model\":\"{EmbeddingModel}\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReadSettings_EachSource_OverridesTheOneBefore()
    {
        var builder = Builder(
            ("Aspire:Vllm:Endpoint", "http://general:1/v1"),
            ("Aspire:Vllm:Key", "general-key"),
            ("Aspire:Vllm:Model", "general-model"),
            ("Aspire:Vllm:DisableTracing", "true"),
            ("Aspire:Vllm:DisableMetrics", "true"),
            ("Aspire:Vllm:vllm:Key", "named-key"),
            ("Aspire:Vllm:vllm:Model", "named-model"),
            ("Aspire:Vllm:vllm:DisableMetrics", "false"),
            ("ConnectionStrings:vllm", "Endpoint=http://from-connection-string:2/v1;Model=cs-model"));

        var settings = AspireVllmExtensions.ReadSettings(builder.Configuration, "vllm", s => s.Model = "callback-model");

        Assert.Equal(new Uri("http://from-connection-string:2/v1"), settings.Endpoint); // connection string over the sections
        Assert.Equal("named-key", settings.Key);                                        // named section over the general one
        Assert.Equal("callback-model", settings.Model);                                 // callback last
        Assert.True(settings.DisableTracing);                                           // general section kept where nothing overrides it
        Assert.False(settings.DisableMetrics);
    }

    [Fact]
    public async Task AddVllmChatClient_NamedSectionOverGeneralSection_UsesTheNamedModel()
    {
        var builder = Builder(
            ("Aspire:Vllm:Endpoint", _server.BaseUrl.ToString()),
            ("Aspire:Vllm:Key", "secret-key"),
            ("Aspire:Vllm:Model", ChatModel),
            ("Aspire:Vllm:AllowPrivateNetwork", "true"),
            ("Aspire:Vllm:vllm:Model", "other-chat"));
        builder.AddVllmChatClient("vllm");
        using var host = builder.Build();

        await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("\"model\":\"other-chat\"", Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions").Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Aspire:Vllm:vllm:FirstByteTimeout", false)]
    [InlineData("Aspire:Vllm:vllm:FirstByteTimeout", true)]
    [InlineData("Aspire:Vllm:FirstByteTimeout", false)]
    public async Task AddVllmChatClient_FirstByteTimeoutInAnAspireSection_TakesEffectAndTheHintNamesTheConnectionsKey(string key, bool stream)
    {
        _server.AddFault(new VllmTestFault(VllmTestFaultKind.DelayFirstToken, 10_000));

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatOnceAsync(
            [("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:AllowPrivateNetwork", "true"), (key, "00:00:00.2")], stream));

        Assert.Contains("within FirstByteTimeout (0.2 s)", ex.Message, StringComparison.Ordinal);
        // The connection's own key: set there, it wins over the shared section too.
        Assert.Contains("raise Aspire:Vllm:vllm:FirstByteTimeout", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatClient_ProviderSettingsInBothSections_SharedApplyAndTheNamedOnesOverrideThem()
    {
        _server.AddFault(new VllmTestFault(VllmTestFaultKind.DelayFirstToken, 500));

        var text = await ChatOnceAsync(
            [
                ("ConnectionStrings:vllm", ConnectionString()),
                ("Aspire:Vllm:AllowPrivateNetwork", "true"),
                ("Aspire:Vllm:FirstByteTimeout", "00:00:00.1"),
                ("Aspire:Vllm:Headers:X-Team", "shared"),
                ("Aspire:Vllm:Headers:X-Shared", "yes"),
                ("Aspire:Vllm:vllm:FirstByteTimeout", "00:01:00"),
                ("Aspire:Vllm:vllm:Headers:X-Team", "named"),
            ],
            stream: false);

        Assert.Contains("echo: hi", text, StringComparison.Ordinal); // the named 1 min over the shared 0.1 s: the 0.5 s delay passes
        var request = Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions");
        Assert.Equal("named", request.Headers["X-Team"]);
        Assert.Equal("yes", request.Headers["X-Shared"]);
    }

    [Fact]
    public async Task AddVllmEmbeddingGenerator_MaxResponseBytesInTheNamedSection_TakesEffectAndTheHintNamesIt()
    {
        var builder = Builder(("ConnectionStrings:emb", ConnectionString(EmbeddingModel)), ("Aspire:Vllm:AllowPrivateNetwork", "true"), ("Aspire:Vllm:emb:MaxResponseBytes", "16"));
        builder.AddVllmEmbeddingGenerator("emb");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<VllmException>(() => host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()
            .GenerateAsync(["a"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("MaxResponseBytes (16 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("raise Aspire:Vllm:emb:MaxResponseBytes", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllmChatClient_InvalidProviderSettings_ThrowNamingTheirAspireKeys()
    {
        var builder = Builder(
            ("ConnectionStrings:vllm", ConnectionString()),
            ("Aspire:Vllm:Retry:MaxAttempts", "many"),
            ("Aspire:Vllm:vllm:StreamIdleTimeout", "00:00:00"));

        var ex = Assert.Throws<VllmException>(() => builder.AddVllmChatClient("vllm"));

        Assert.Contains("Aspire:Vllm:vllm:Retry:MaxAttempts: 'many' is not a whole number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire:Vllm:vllm:StreamIdleTimeout: 00:00:00 must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddVllmChatClient_NoKeyConfigured_TheHintNamesAnAspireKeyAndSettingItFixesTheCall(bool stream)
    {
        (string, string?)[] configuration = [("ConnectionStrings:vllm", $"Endpoint={_server.BaseUrl};Model={ChatModel}"), ("Aspire:Vllm:AllowPrivateNetwork", "true")];

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatOnceAsync(configuration, stream));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("No API key was sent", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal); // an Aspire client does not read it
        var key = KeyNamedIn(ex.Hint);
        Assert.StartsWith("Aspire:Vllm:vllm:", key, StringComparison.Ordinal);
        Assert.Contains("echo: hi", await ChatOnceAsync([.. configuration, (key, "secret-key")], stream), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatClient_SharedKeyRejected_TheHintNamesTheConnectionsKeyAndSettingItFixesTheCall()
    {
        (string, string?)[] configuration =
        [
            ("ConnectionStrings:vllm", $"Endpoint={_server.BaseUrl};Model={ChatModel}"),
            ("Aspire:Vllm:AllowPrivateNetwork", "true"),
            ("Aspire:Vllm:Key", "wrong-key"),
        ];

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatOnceAsync(configuration, stream: false));

        Assert.Contains("The server rejected the API key that was sent", ex.Hint, StringComparison.Ordinal);
        var key = KeyNamedIn(ex.Hint);
        Assert.StartsWith("Aspire:Vllm:vllm:", key, StringComparison.Ordinal);
        Assert.Contains("echo: hi", await ChatOnceAsync([.. configuration, (key, "secret-key")], stream: false), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSettings_ApiKeyAndBaseUrl_AreTheSameSettingsAsKeyAndEndpointInTheirSection()
    {
        var builder = Builder(
            ("Aspire:Vllm:Endpoint", "http://shared:1/v1"),
            ("Aspire:Vllm:Key", "shared-key"),
            ("Aspire:Vllm:vllm:BaseUrl", "http://named:2/v1"),
            ("Aspire:Vllm:vllm:ApiKey", "named-key"));

        var settings = AspireVllmExtensions.ReadSettings(builder.Configuration, "vllm", null);

        Assert.Equal(new Uri("http://named:2/v1"), settings.Endpoint);
        Assert.Equal("named-key", settings.Key);
    }

    [Theory]
    [InlineData("Key", "ApiKey")]
    [InlineData("Endpoint", "BaseUrl")]
    public void AddVllmChatClient_BothNamesOfOneSettingInOneSection_ThrowsNamingBoth(string setting, string option)
    {
        var builder = Builder(("Aspire:Vllm:vllm:" + setting, "http://a:1/v1"), ("Aspire:Vllm:vllm:" + option, "http://b:2/v1"));

        var ex = Assert.Throws<VllmException>(() => builder.AddVllmChatClient("vllm"));

        Assert.Contains($"Aspire:Vllm:vllm:{setting} and Aspire:Vllm:vllm:{option}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatClient_BareUrlConnectionString_IsTheEndpoint()
    {
        var builder = Builder(("ConnectionStrings:vllm", _server.BaseUrl.ToString()), ("Aspire:Vllm:Key", "secret-key"), ("Aspire:Vllm:Model", ChatModel));
        builder.AddVllmChatClient("vllm", s => s.AllowPrivateNetwork = true);
        using var host = builder.Build();

        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("bare", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("echo: bare", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllmChatClient_NoEndpoint_ThrowsNamingTheKeysToSet()
    {
        var builder = Builder(("Aspire:Vllm:Model", "m"));

        var ex = Assert.Throws<VllmException>(() => builder.AddVllmChatClient("missing"));

        Assert.Contains("'missing' has no endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire:Vllm:missing:Endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllmChatClient_BrokenConnectionString_ThrowsWithoutQuotingTheKey()
    {
        var builder = Builder(("ConnectionStrings:vllm", "Endpoint=http://x:1/v1;Key='top-secret"));

        var ex = Assert.Throws<VllmException>(() => builder.AddVllmChatClient("vllm"));

        Assert.Contains("ConnectionStrings:vllm", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatClient_PrivateEndpointNotApproved_RefusesNamingTheAspireKey()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()));
        builder.AddVllmChatClient("vllm");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<VllmException>(() => host.Services.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("Aspire:Vllm:vllm:AllowPrivateNetwork", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task AddVllmChatClient_HealthCheck_ReportsTheServerHealthy()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:AllowPrivateNetwork", "true"));
        builder.AddVllmChatClient("vllm");
        builder.AddVllmEmbeddingGenerator("vllm"); // one connection, one check (a repeated name would fail the run)
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = Assert.Single(report.Entries);
        Assert.Equal("vllm_vllm", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
    }

    [Fact]
    public void AddVllmChatClient_DisableHealthChecks_RegistersNoCheck()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:DisableHealthChecks", "true"));
        builder.AddVllmChatClient("vllm");
        using var host = builder.Build();

        Assert.Null(host.Services.GetService<HealthCheckService>());
    }

    /// <summary>One chat through a host whose OpenTelemetry exports to memory; returns what was exported.</summary>
    private async Task<(List<Activity> Activities, List<Metric> Metrics, IChatClient Client)> ChatWithExportersAsync(string prompt, params (string Key, string? Value)[] settings)
    {
        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        var builder = Builder([("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:AllowPrivateNetwork", "true"), .. settings]);
        builder.AddVllmChatClient("vllm");
        // Exporters on their own, so a source or meter reaches them only when the integration added it.
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddInMemoryExporter(activities))
            .WithMetrics(m => m.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        var meter = host.Services.GetRequiredService<MeterProvider>();

        var client = host.Services.GetRequiredService<IChatClient>();
        await client.GetResponseAsync(prompt, cancellationToken: TestContext.Current.CancellationToken);
        tracer.ForceFlush();
        meter.ForceFlush();
        return (activities, metrics, client);
    }

    [Fact]
    public async Task AddVllmChatClient_TelemetryOn_ExportsTheChatSpanAndMetrics()
    {
        var (activities, metrics, _) = await ChatWithExportersAsync("traced");

        var span = Assert.Single(activities);
        Assert.Equal("Experimental.Microsoft.Extensions.AI", span.Source.Name);
        Assert.Equal("vllm", span.GetTagItem("gen_ai.provider.name"));
        Assert.DoesNotContain(span.Tags, t => t.Value?.Contains("traced", StringComparison.Ordinal) == true); // not sensitive by default
        Assert.Contains(metrics, m => m.Name == "gen_ai.client.operation.duration");
    }

    [Fact]
    public async Task AddVllmChatClient_TracingAndMetricsDisabled_ExportsNothing()
    {
        var (activities, metrics, client) = await ChatWithExportersAsync("quiet", ("Aspire:Vllm:DisableTracing", "true"), ("Aspire:Vllm:DisableMetrics", "true"));

        Assert.Null(client.GetService<OpenTelemetryChatClient>());
        Assert.Empty(activities);
        Assert.DoesNotContain(metrics, m => m.MeterName == "Experimental.Microsoft.Extensions.AI");
    }

    [Fact]
    public async Task AddVllmChatClient_OnlyMetricsDisabled_TracesButRecordsNoMetric()
    {
        var (activities, metrics, _) = await ChatWithExportersAsync("half", ("Aspire:Vllm:DisableMetrics", "true"));

        Assert.Single(activities);
        Assert.DoesNotContain(metrics, m => m.MeterName == "Experimental.Microsoft.Extensions.AI");
    }

    [Fact]
    public async Task AddVllmChatClient_EnableSensitiveTelemetryData_RecordsThePrompt()
    {
        var (activities, _, _) = await ChatWithExportersAsync("sensitive words", ("Aspire:Vllm:EnableSensitiveTelemetryData", "true"));

        Assert.Contains(Assert.Single(activities).Tags, t => t.Value?.Contains("sensitive words", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AddVllmChatClient_MiddlewareAdded_GoesOutsideTheTelemetryClient()
    {
        var builder = Builder(("ConnectionStrings:vllm", ConnectionString()), ("Aspire:Vllm:AllowPrivateNetwork", "true"));
        builder.AddVllmChatClient("vllm").UseFunctionInvocation();
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("piped", cancellationToken: TestContext.Current.CancellationToken);

        var invoking = Assert.IsType<FunctionInvokingChatClient>(client);
        Assert.IsType<OpenTelemetryChatClient>(invoking.GetService<OpenTelemetryChatClient>());
        Assert.Contains("echo: piped", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllmChatClient_NullOrEmptyArguments_Throw()
    {
        var builder = Builder();

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => AspireVllmExtensions.AddVllmChatClient(null!, "x")).ParamName);
        Assert.Equal("connectionName", Assert.Throws<ArgumentNullException>(() => builder.AddVllmChatClient(null!)).ParamName);
        Assert.Equal("connectionName", Assert.Throws<ArgumentException>(() => builder.AddVllmEmbeddingGenerator("")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => builder.AddKeyedVllmChatClient(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => builder.AddKeyedVllmEmbeddingGenerator("")).ParamName);
    }
}
