using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmServerInfoTests
{
    private static readonly Uri BaseUrl = new("http://vllm.test:8000/v1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0.27.1", "0.27.1")]
    [InlineData("0.27.2.dev5+g1a2b3c4d", "0.27.2")]
    [InlineData("0.11.1rc2", "0.11.1")]
    [InlineData("v0.9.0", "0.9.0")]
    [InlineData("1.0", "1.0")]
    [InlineData("0.10.1.1", "0.10.1.1")]
    public void Constructor_VersionText_ParsesNumericPart(string text, string expected)
    {
        var info = new VllmServerInfo(BaseUrl, text);

        Assert.Equal(text, info.VersionText);
        Assert.Equal(Version.Parse(expected), info.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("main")]
    [InlineData("7")]
    public void Constructor_UnknownVersion_VersionIsNull(string? text)
    {
        Assert.Null(new VllmServerInfo(BaseUrl, text).Version);
    }

    [Theory]
    [InlineData("0.16.0", 0, 16, 0, true)]
    [InlineData("0.15.9", 0, 16, 0, false)]
    [InlineData("0.27.2.dev5+gabc", 0, 27, 2, true)]
    [InlineData("1.0", 0, 27, 0, true)]
    [InlineData(null, 0, 1, 0, false)]
    public void IsAtLeast_Version_Compares(string? text, int major, int minor, int patch, bool expected)
    {
        Assert.Equal(expected, new VllmServerInfo(BaseUrl, text).IsAtLeast(major, minor, patch));
    }

    [Fact]
    public async Task GetServerInfoAsync_VersionEndpoint_ReadFromServerRootAndCached()
    {
        var handler = InMemoryHandler.Answering("""{"version":"0.27.1"}""");
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = BaseUrl }, client);

        var info = await discovery.GetServerInfoAsync(Ct);
        var again = await discovery.GetServerInfoAsync(Ct);

        Assert.Equal("0.27.1", info.VersionText);
        Assert.Equal(new Version(0, 27, 1), info.Version);
        Assert.Same(info, again);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("http://vllm.test:8000/version"), request.Uri);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, """{"detail":"Not Found"}""")]
    [InlineData(HttpStatusCode.OK, "<html>LM Studio</html>")]
    [InlineData(HttpStatusCode.OK, """{"name":"llama.cpp"}""")]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"Unauthorized"}""")]
    public async Task GetServerInfoAsync_ServerWithoutVersion_VersionIsNull(HttpStatusCode status, string body)
    {
        var handler = InMemoryHandler.Answering(body, status);
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = BaseUrl }, client);

        var info = await discovery.GetServerInfoAsync(Ct);

        Assert.Null(info.VersionText);
        Assert.Null(info.Version);
        Assert.False(info.IsAtLeast(0, 1));
    }

    [Fact]
    public async Task GetServerInfoAsync_ServerError_ThrowsAndIsNotCached()
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ => Interlocked.Increment(ref calls) == 1
            ? InMemoryHandler.Json("""{"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}""", HttpStatusCode.InternalServerError)
            : InMemoryHandler.Json("""{"version":"0.27.1"}"""));
        using var client = handler.CreateClient();
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions { BaseUrl = BaseUrl }, client);

        var ex = await Assert.ThrowsAsync<VllmException>(() => discovery.GetServerInfoAsync(Ct));
        var info = await discovery.GetServerInfoAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("0.27.1", info.VersionText);
    }
}
