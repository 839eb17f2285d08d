using System;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.Reliability;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>
/// Numeric and IPv4-mapped spellings of loopback are refused like 127.0.0.1 when private networks are not allowed:
/// a test server listens on the port, and it must see no request at all.
/// </summary>
public sealed class NumericHostTests
{
    [Theory(Timeout = 30_000)]
    [InlineData("2130706433")]
    [InlineData("0x7f.1")]
    [InlineData("127.1")]
    [InlineData("0x7f000001")]
    [InlineData("017700000001")]
    [InlineData("0177.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::ffff:7f00:1]")]
    [InlineData("[::1]")]
    [InlineData("[0:0:0:0:0:ffff:127.0.0.1]")]
    public async Task Call_LoopbackInNumericForm_RefusedWithoutConnecting(string host)
    {
        await using var server = await ReliabilityHost.StartAsync();
        var port = server.BaseUrl.Port;
        Assert.True(Uri.TryCreate($"http://{host}:{port}/v1", UriKind.Absolute, out var url), host);
        var options = ReliabilityHost.Options(url);
        options.AllowPrivateNetwork = false;
        options.Retry.MaxAttempts = 1;
        var ct = TestContext.Current.CancellationToken;

        using var chat = new VllmChatClient(options, ReliabilityHost.ChatModel);
        var chatError = await Assert.ThrowsAsync<VllmException>(() => chat.GetResponseAsync("hi", cancellationToken: ct));
        using var discovery = new VllmModelDiscovery(options);
        await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(ct));
        using var embeddings = new VllmEmbeddingGenerator(options, ReliabilityHost.EmbeddingModel);
        await Assert.ThrowsAsync<VllmException>(() => embeddings.GenerateAsync(["x"], cancellationToken: ct));
        using var probe = new VllmHealthProbe(options);
        var report = await probe.ProbeAsync(ct);

        Assert.Empty(server.Requests);
        Assert.False(report.IsHealthy);
        Assert.False(report.PrivateNetworkApproved);
        Assert.Contains("AllowPrivateNetwork", chatError.ToString(), StringComparison.Ordinal);
    }
}
