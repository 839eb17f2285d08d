using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>The private-network gate on real sockets: refusals happen before any connection is made.</summary>
public sealed class VllmHttpHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void CreatePrimaryHandler_Options_NoRedirectsNoProxyWhileGated()
    {
        using var gated = VllmHttpHandler.CreatePrimaryHandler(new VllmProviderOptions { ConnectTimeout = TimeSpan.FromSeconds(3) });
        using var open = VllmHttpHandler.CreatePrimaryHandler(new VllmProviderOptions { AllowPrivateNetwork = true });

        Assert.False(gated.AllowAutoRedirect);
        Assert.False(gated.UseProxy);
        Assert.NotNull(gated.ConnectCallback);
        Assert.Equal(TimeSpan.FromSeconds(3), gated.ConnectTimeout);
        Assert.False(open.AllowAutoRedirect);
        Assert.True(open.UseProxy);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("::1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task ConnectAsync_LoopbackWithoutFlag_RefusedAndNothingConnects(string host)
    {
        using var listener = new CountingListener();
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://vllm.example.com/v1") });

        var ex = await Assert.ThrowsAsync<VllmException>(async () => await VllmHttpHandler.ConnectAsync(policy, new DnsEndPoint(host, listener.Port), Ct));

        Assert.Contains("private-network gate refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task ConnectAsync_LocalhostWithFlag_Connects()
    {
        using var listener = new CountingListener();
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { AllowPrivateNetwork = true });

        await using var stream = await VllmHttpHandler.ConnectAsync(policy, new DnsEndPoint("localhost", listener.Port), Ct);

        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task GetModelsAsync_GatedClientToLoopback_GateExceptionNotConnectionError()
    {
        using var listener = new CountingListener();
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = new Uri($"http://127.0.0.1:{listener.Port}/v1") });

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("private-network gate refused to connect to 127.0.0.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task GetModelsAsync_SuppliedClientOnGatedHandler_KeepsGate()
    {
        using var listener = new CountingListener();
        var options = new VllmProviderOptions { BaseUrl = new Uri($"http://localhost:{listener.Port}/v1") };
        using var client = new HttpClient(VllmHttpHandler.CreatePrimaryHandler(options));
        using var discovery = new VllmModelDiscovery(options, client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task GetModelsAsync_FlagSetButNothingListening_ConnectionRefused()
    {
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = new Uri($"http://127.0.0.1:{ClosedPort.Next()}/v1"), AllowPrivateNetwork = true });

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(Ct));

        Assert.Null(ex.StatusCode);
        Assert.Contains("connection refused", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("curl http://127.0.0.1:", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_UnreachablePort_ReachableRowFails()
    {
        using var probe = new VllmHealthProbe(new VllmProviderOptions { BaseUrl = new Uri($"http://127.0.0.1:{ClosedPort.Next()}/v1"), AllowPrivateNetwork = true });

        var report = await probe.ProbeAsync(Ct);

        Assert.False(report.Reachable);
        Assert.True(report.PrivateNetworkApproved);
        Assert.Equal("AllowPrivateNetwork is true", report.PrivateNetworkReason);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("connection refused", problem, StringComparison.Ordinal);
        Assert.Contains("/v1/models", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_GateRefusalWrappedTwice_ReturnsGateException()
    {
        var refusal = VllmNetworkPolicy.From(new VllmProviderOptions()).RefusedException("h", IPAddress.Loopback, "loopback (127.0.0.0/8)");
        var wrapped = new InvalidOperationException("sdk", new HttpRequestException("connect", refusal));

        Assert.Same(refusal, VllmTransportErrors.Translate(wrapped, new Uri("http://h/v1")));
    }

    [Fact]
    public void Translate_PlainHttpRequestException_ConnectionFailedWithIt()
    {
        var inner = new HttpRequestException("boom");

        var ex = VllmTransportErrors.Translate(new InvalidOperationException("sdk", inner), new Uri("http://h/v1"));

        Assert.Same(inner, ex.InnerException);
        Assert.Contains("curl http://h/v1/models", ex.Hint, StringComparison.Ordinal);
    }
}
