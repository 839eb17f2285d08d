using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>Each health row passing and failing, against an in-memory server (the real-socket rows are in VllmGateAndHealthServerTests).</summary>
public sealed class VllmHealthProbeTests
{
    private const string OneModel = """{"object":"list","data":[{"id":"Qwen/Qwen3-8B","object":"model","owned_by":"vllm","root":"Qwen/Qwen3-8B","parent":null,"max_model_len":32768}]}""";

    // TEST-NET-3: a public (non-private) literal address, so the gate row needs no DNS and no flag.
    private static readonly Uri PublicBaseUrl = new("http://203.0.113.10:8000/v1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InMemoryHandler Server(HttpStatusCode health = HttpStatusCode.OK, HttpStatusCode models = HttpStatusCode.OK, string modelsBody = OneModel, string? version = "0.27.1")
        => new(request => request.Path switch
        {
            "/health" => new HttpResponseMessage(health) { Content = new ByteArrayContent([]) },
            "/v1/models" => InMemoryHandler.Json(models == HttpStatusCode.OK ? modelsBody : """{"error":"Unauthorized"}""", models),
            "/version" when version is not null => InMemoryHandler.Json($$"""{"version":"{{version}}"}"""),
            _ => InMemoryHandler.Json("""{"detail":"Not Found"}""", HttpStatusCode.NotFound),
        });

    private static VllmProviderOptions Options(Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = PublicBaseUrl, ApiKey = "sk-test" };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task ProbeAsync_HealthyServer_EveryRowPasses()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.Empty(report.Problems);
        Assert.True(report.IsHealthy);
        Assert.True(report.Reachable);
        Assert.True(report.AuthOk);
        Assert.Equal(1, report.ModelsDiscovered);
        Assert.Equal(["Qwen/Qwen3-8B"], report.ModelIds);
        Assert.True(report.PrivateNetworkApproved);
        Assert.Equal("public address", report.PrivateNetworkReason);
        Assert.False(report.Loading);
        Assert.Equal("0.27.1", report.ServerVersion);
        Assert.Equal(PublicBaseUrl, report.BaseUrl);
        Assert.Equal("reachable ✓ · auth ok ✓ · models 1 · private network approved (public address) · vLLM 0.27.1", report.ToString());
    }

    [Fact]
    public async Task ProbeAsync_WrongKey_AuthRowFailsWithKeyFix()
    {
        var handler = Server(models: HttpStatusCode.Unauthorized);
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.False(report.AuthOk);
        Assert.Equal(0, report.ModelsDiscovered);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("rejected the API key", problem, StringComparison.Ordinal);
        Assert.Contains("Set ApiKey (Vllm:ApiKey in configuration, or the VLLM_API_KEY environment variable)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-test", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_NoKeyButServerNeedsOne_SaysKeyIsRequired()
    {
        var handler = Server(models: HttpStatusCode.Unauthorized);
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => o.ApiKey = null), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.AuthOk);
        Assert.Equal(
            $"The server requires an API key: GET {PublicBaseUrl.ToString().TrimEnd('/')}/models answered 401. No API key was sent, because none is configured, and the server "
            + "requires one (it was started with --api-key). Set ApiKey (Vllm:ApiKey in configuration, or the VLLM_API_KEY environment variable) to that key.",
            Assert.Single(report.Problems));
    }

    [Fact]
    public async Task ProbeAsync_Loading503_LoadingRowWithRetryAdvice()
    {
        var handler = Server(health: HttpStatusCode.ServiceUnavailable);
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.True(report.Loading);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("503", problem, StringComparison.Ordinal);
        Assert.Contains("curl http://203.0.113.10:8000/health", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ModelsAnswer503_LoadingRow()
    {
        var handler = new InMemoryHandler(request => request.Path == "/v1/models"
            ? InMemoryHandler.Json("""{"error":{"message":"scaling","type":"ServiceUnavailableError","param":null,"code":503}}""", HttpStatusCode.ServiceUnavailable)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Loading);
        Assert.True(report.AuthOk);
        Assert.Contains("not ready", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ConnectionRefused_ReachableRowFailsWithCurl()
    {
        var handler = new InMemoryHandler((_, _) => Task.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))));
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.Reachable);
        Assert.False(report.AuthOk);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("connection refused", problem, StringComparison.Ordinal);
        Assert.Contains("curl http://203.0.113.10:8000/v1/models", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.1.2.3:8000/v1", "10.0.0.0/8")]
    [InlineData("http://169.254.169.254/v1", "169.254.0.0/16")]
    [InlineData("http://[fd00::5]:8000/v1", "fc00::/7")]
    [InlineData("http://127.0.0.1:9000/v1", "127.0.0.0/8")]
    public async Task ProbeAsync_PrivateNotApproved_RefusedWithoutSendingAnything(string baseUrl, string range)
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => o.BaseUrl = new Uri(baseUrl)), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.PrivateNetworkApproved);
        Assert.Contains(range, report.PrivateNetworkReason, StringComparison.Ordinal);
        Assert.False(report.Reachable);
        Assert.Contains("set AllowPrivateNetwork = true", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ProbeAsync_PrivateWithFlag_ApprovedByFlag()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => { o.BaseUrl = new Uri("http://10.1.2.3:8000/v1"); o.AllowPrivateNetwork = true; }), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.PrivateNetworkApproved);
        Assert.Equal("AllowPrivateNetwork is true", report.PrivateNetworkReason);
        Assert.True(report.IsHealthy);
    }

    [Fact]
    public async Task ProbeAsync_DefaultBaseUrl_ApprovedAsDefaultLoopback()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(new VllmProviderOptions(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.PrivateNetworkApproved);
        Assert.Equal("default loopback: 127.0.0.1, localhost or [::1] on port 8000 with /v1", report.PrivateNetworkReason);
    }

    [Fact]
    public async Task ProbeAsync_InvalidOptions_ReportsConfigurationWithoutRequests()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => o.Api = "openai-responses"), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.Contains("'openai-responses' is not supported", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ProbeAsync_UnsetKeyVariable_ReportsVariableName()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => o.ApiKey = "${CONNECTORS_VLLM_TEST_NEVER_SET_5F2A}"), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.Contains("CONNECTORS_VLLM_TEST_NEVER_SET_5F2A", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ProbeAsync_ConfiguredModelNotServed_NamesServedModels()
    {
        var handler = Server();
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(o => o.Models.Add(new() { Id = "Qwen/Qwen3-32B" })), client);

        var report = await probe.ProbeAsync(Ct);

        var problem = Assert.Single(report.Problems);
        Assert.Contains("'Qwen/Qwen3-32B'", problem, StringComparison.Ordinal);
        Assert.Contains("it serves: Qwen/Qwen3-8B", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_NotAModelList_ReportsShapeProblem()
    {
        var handler = Server(modelsBody: "<html>hello</html>");
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.Contains("is not a vLLM model list", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ModelsRouteMissing_SuggestsV1()
    {
        var handler = InMemoryHandler.Answering("""{"detail":"Not Found"}""", HttpStatusCode.NotFound);
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.Null(report.ServerVersion);
        Assert.Contains("ending in /v1", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_NoVersionEndpoint_HealthyWithUnknownVersion()
    {
        var handler = Server(version: null);
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.IsHealthy);
        Assert.Null(report.ServerVersion);
    }

    [Fact]
    public async Task ProbeAsync_NoModelsServed_ReportsIt()
    {
        var handler = Server(modelsBody: """{"object":"list","data":[]}""");
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);

        var report = await probe.ProbeAsync(Ct);

        Assert.Equal(0, report.ModelsDiscovered);
        Assert.Contains("lists no models", Assert.Single(report.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var handler = new InMemoryHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = handler.CreateClient();
        using var probe = new VllmHealthProbe(Options(), client);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var probing = probe.ProbeAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probing);
    }
}
