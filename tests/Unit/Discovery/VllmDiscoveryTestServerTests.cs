using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>Discovery, version detection, the gate and the health rows against the in-process vLLM test server, over real sockets.</summary>
public sealed class VllmDiscoveryTestServerTests
{
    private const string Key = "sk-test-server";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<VllmTestServer> StartAsync(string? apiKey = Key, string version = "0.27.1")
    {
        var options = new VllmTestServerOptions { ApiKey = apiKey, ServerVersion = version };
        options.Models.Add(VllmTestModel.Chat("Qwen/Qwen3-8B", maxModelLen: 32768));
        options.Models.Add(VllmTestModel.LoraAdapter("sql-lora", "Qwen/Qwen3-8B"));
        return await VllmTestServer.StartAsync(options, Ct);
    }

    private static VllmProviderOptions Options(VllmTestServer server, string? apiKey = Key, bool allowPrivate = true)
        => new() { BaseUrl = server.BaseUrl, ApiKey = apiKey, AllowPrivateNetwork = allowPrivate };

    private static int CountPath(VllmTestServer server, string path) => server.Requests.Count(r => r.Path == path);

    [Fact]
    public async Task GetModelsAsync_BaseModelAndLora_ConvertedFromServerCards()
    {
        await using var server = await StartAsync();
        using var discovery = new VllmModelDiscovery(Options(server));

        var models = await discovery.GetModelsAsync(Ct);

        Assert.Equal(["Qwen/Qwen3-8B", "sql-lora"], models.Select(m => m.Id));
        Assert.Equal(32768, models[0].ContextWindow);
        Assert.Null(models[0].Parent);
        Assert.Equal("Qwen/Qwen3-8B", models[1].Parent);
        Assert.Equal("/adapters/sql-lora", models[1].Root);
        Assert.Equal(32768, models[1].ContextWindow); // the adapter's card has max_model_len null; it runs in its parent's window
        Assert.All(models, m => Assert.Null(m.MaxTokens));
        Assert.All(models, m => Assert.Null(m.Reasoning));
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models", request.Path);
        Assert.Equal("Bearer " + Key, request.Headers["Authorization"]);
        Assert.Equal(200, request.StatusCode);
    }

    [Fact]
    public async Task GetModelsAsync_ManyConcurrentCallers_OneRequestReachesServer()
    {
        await using var server = await StartAsync();
        using var discovery = new VllmModelDiscovery(Options(server));

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => discovery.GetModelsAsync(Ct)));
        await discovery.GetModelsAsync(Ct);
        await discovery.GetChatClientMetadataAsync("sql-lora", Ct);

        Assert.Equal(1, CountPath(server, "/v1/models"));
        Assert.All(results, r => Assert.Equal(2, r.Count));
    }

    [Fact]
    public async Task GetModelsAsync_AfterInvalidate_SecondRequest()
    {
        await using var server = await StartAsync();
        using var discovery = new VllmModelDiscovery(Options(server));

        await discovery.GetModelsAsync(Ct);
        discovery.Invalidate();
        await discovery.GetModelsAsync(Ct);

        Assert.Equal(2, CountPath(server, "/v1/models"));
    }

    [Fact]
    public async Task GetModelsAsync_WrongKey_UnauthorizedWithKeyHint()
    {
        await using var server = await StartAsync();
        using var discovery = new VllmModelDiscovery(Options(server, apiKey: "wrong-key"));

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("Unauthorized", ex.ServerMessage);
        Assert.Contains("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChatClientMetadataAsync_NullWithTwoServed_ListsBoth()
    {
        await using var server = await StartAsync();
        using var discovery = new VllmModelDiscovery(Options(server));

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetChatClientMetadataAsync(null, Ct));

        Assert.Contains("Qwen/Qwen3-8B, sql-lora", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.27.1", 0, 27, 1)]
    [InlineData("0.10.0", 0, 10, 0)]
    public async Task GetServerInfoAsync_TestServerVersion_DetectedFromRootVersion(string version, int major, int minor, int patch)
    {
        await using var server = await StartAsync(version: version);
        using var discovery = new VllmModelDiscovery(Options(server));

        var info = await discovery.GetServerInfoAsync(Ct);
        await discovery.GetServerInfoAsync(Ct);

        Assert.Equal(version, info.VersionText);
        Assert.Equal(new Version(major, minor, patch), info.Version);
        Assert.Equal(1, CountPath(server, "/version"));
        Assert.Equal(0, CountPath(server, "/v1/version"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task GetModelsAsync_LoopbackWithoutFlag_RefusedAndNoRequestArrives(string host)
    {
        await using var server = await StartAsync();
        var baseUrl = new UriBuilder(server.BaseUrl) { Host = host }.Uri;
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = baseUrl, ApiKey = Key });

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("private-network gate refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
        Assert.Null(ex.StatusCode);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task GetModelsAsync_LoopbackWithFlag_RequestArrives(string host)
    {
        await using var server = await StartAsync();
        var baseUrl = new UriBuilder(server.BaseUrl) { Host = host }.Uri;
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = baseUrl, ApiKey = Key, AllowPrivateNetwork = true });

        Assert.Equal(2, (await discovery.GetModelsAsync(Ct)).Count);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ProbeAsync_TestServer_EveryRowPasses()
    {
        await using var server = await StartAsync();
        using var probe = new VllmHealthProbe(Options(server));

        var report = await probe.ProbeAsync(Ct);

        Assert.Empty(report.Problems);
        Assert.True(report.Reachable);
        Assert.True(report.AuthOk);
        Assert.Equal(2, report.ModelsDiscovered);
        Assert.True(report.PrivateNetworkApproved);
        Assert.Equal("AllowPrivateNetwork is true", report.PrivateNetworkReason);
        Assert.False(report.Loading);
        Assert.Equal("0.27.1", report.ServerVersion);
        Assert.Equal(["/health", "/v1/models", "/version"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task ProbeAsync_WrongKey_AuthRowFails()
    {
        await using var server = await StartAsync();
        using var probe = new VllmHealthProbe(Options(server, apiKey: "wrong-key"));

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.False(report.AuthOk);
        Assert.Contains("VLLM_API_KEY", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_NoKeyForKeyedServer_SaysKeyRequired()
    {
        await using var server = await StartAsync();
        using var probe = new VllmHealthProbe(Options(server, apiKey: null));

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.AuthOk);
        Assert.Contains("requires an API key", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ServerWithoutKey_AuthOkWithoutKey()
    {
        await using var server = await StartAsync(apiKey: null);
        using var probe = new VllmHealthProbe(Options(server, apiKey: null));

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.AuthOk);
        Assert.True(report.IsHealthy);
    }

    [Fact]
    public async Task ProbeAsync_HealthLoading_LoadingRow()
    {
        await using var server = await StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.HealthLoading));
        using var probe = new VllmHealthProbe(Options(server));

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.True(report.Loading);
        Assert.Contains("/health", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_PrivateNotApproved_NoRequestArrives()
    {
        await using var server = await StartAsync();
        using var probe = new VllmHealthProbe(Options(server, allowPrivate: false));

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.PrivateNetworkApproved);
        Assert.Contains("loopback", report.PrivateNetworkReason, StringComparison.Ordinal);
        Assert.False(report.Reachable);
        Assert.Contains("AllowPrivateNetwork", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task HealthCheckService_AddVllm_HealthyThenDegradedWhileLoading()
    {
        await using var server = await StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddVllm(Options(server));
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var healthy = await health.CheckHealthAsync(Ct);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.HealthLoading));
        var loading = await health.CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, healthy.Entries["vllm"].Status);
        Assert.Equal(HealthStatus.Degraded, loading.Entries["vllm"].Status);
    }
}
