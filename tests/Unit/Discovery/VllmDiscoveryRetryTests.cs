using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>Discovery retries what is safe to retry (429, 503, a refused connection) on the shared schedule; the health probe does not.</summary>
public sealed class VllmDiscoveryRetryTests
{
    private static VllmProviderOptions Options(Uri baseUrl, int maxAttempts = 3) => new()
    {
        BaseUrl = baseUrl,
        AllowPrivateNetwork = true,
        Retry = new VllmRetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
    };

    [Theory]
    [InlineData(VllmTestFaultKind.TooManyRequests)]
    [InlineData(VllmTestFaultKind.ServiceUnavailable)]
    public async Task GetModelsAsync_TransientStatusOnce_RetriesAndSucceeds(VllmTestFaultKind kind)
    {
        await using var server = await VllmTestServer.StartAsync(ct: TestContext.Current.CancellationToken);
        server.AddFault(new VllmTestFault(kind, parameter: 0, times: 1));
        using var discovery = new VllmModelDiscovery(Options(server.BaseUrl));

        var models = await discovery.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(VllmTestServerOptions.DefaultModelId, Assert.Single(models).Id);
        Assert.Equal(2, server.Requests.Count(r => r.Path == "/v1/models"));
    }

    [Fact]
    public async Task GetModelsAsync_RetriesDisabled_FailsOnFirst429()
    {
        await using var server = await VllmTestServer.StartAsync(ct: TestContext.Current.CancellationToken);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.TooManyRequests, parameter: 0, times: 1));
        using var discovery = new VllmModelDiscovery(Options(server.BaseUrl, maxAttempts: 1));

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Single(server.Requests, r => r.Path == "/v1/models");
    }

    [Fact]
    public async Task GetModelsAsync_RefusedThenServerStarts_FailureIsNotCached()
    {
        // Find a free port, start nothing there yet.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var options = Options(new Uri($"http://127.0.0.1:{port}/v1"), maxAttempts: 1);
        using var discovery = new VllmModelDiscovery(options);

        var refused = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(TestContext.Current.CancellationToken));
        Assert.Contains("curl", refused.Hint, StringComparison.Ordinal);

        var serverOptions = new VllmTestServerOptions { Port = port };
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        Assert.Single(await discovery.GetModelsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ProbeAsync_Health503_ReportsLoadingWithoutRetrying()
    {
        await using var server = await VllmTestServer.StartAsync(ct: TestContext.Current.CancellationToken);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.HealthLoading));
        using var probe = new VllmHealthProbe(Options(server.BaseUrl));

        var report = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.True(report.Loading);
        Assert.Single(server.Requests, r => r.Path == "/health");
    }
}
