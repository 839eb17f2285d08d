using System;
using System.Linq;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.Reliability;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>
/// Redirects are never followed (no other origin, not even the same one), so the Authorization header never
/// reaches another server: a server answering 307 to a second loopback server, and the second one sees nothing.
/// </summary>
public sealed class RedirectTests
{
    public static TheoryData<MatrixSurface, int> Cases()
    {
        var data = new TheoryData<MatrixSurface, int>();
        foreach (var surface in Enum.GetValues<MatrixSurface>())
        {
            foreach (var status in new[] { 301, 302, 307, 308 })
            {
                data.Add(surface, status);
            }
        }

        return data;
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Cases))]
    public async Task Call_RedirectToOtherOrigin_NotFollowedAndKeyNeverCrosses(MatrixSurface surface, int status)
    {
        await using var other = new RawHttpServer((request, stream, ct) => RawHttpServer.WriteAsync(stream, 200, "{}", ct));
        await using var redirecting = new RawHttpServer((request, stream, ct) =>
            request.Target == "/health"
                ? RawHttpServer.WriteAsync(stream, 200, string.Empty, ct)
                : RawHttpServer.WriteAsync(stream, status, string.Empty, ct, $"Location: http://127.0.0.1:{other.Port}{request.Target}"));
        using var clients = new SurfaceClients(ReliabilityHost.Options(redirecting.BaseUrl));

        var ex = await Record.ExceptionAsync(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken) is var t ? WrapHealth(t) : t);

        Assert.Equal(0, other.Connections);
        Assert.Empty(other.Requests);
        var vllm = Assert.IsType<VllmException>(ex);
        Assert.DoesNotContain(ReliabilityHost.Canary, vllm.ToString(), StringComparison.Ordinal);
        Assert.All(redirecting.Requests.Where(r => r.Target.StartsWith("/v1/", StringComparison.Ordinal)), r => Assert.Equal("Bearer " + ReliabilityHost.Canary, r.Headers["authorization"]));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(MatrixSurface.Chat)]
    [InlineData(MatrixSurface.StreamingChat)]
    [InlineData(MatrixSurface.Embeddings)]
    [InlineData(MatrixSurface.Discovery)]
    public async Task Call_RedirectToSameOrigin_NotFollowed(MatrixSurface surface)
    {
        await using var server = new RawHttpServer((request, stream, ct) =>
            request.Target.StartsWith("/elsewhere", StringComparison.Ordinal)
                ? RawHttpServer.WriteAsync(stream, 200, "{}", ct)
                : RawHttpServer.WriteAsync(stream, 307, string.Empty, ct, "Location: /elsewhere" + request.Target));
        using var clients = new SurfaceClients(ReliabilityHost.Options(server.BaseUrl));

        await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        Assert.DoesNotContain(server.Requests, r => r.Target.StartsWith("/elsewhere", StringComparison.Ordinal));
    }

    /// <summary>The health probe reports instead of throwing; an unhealthy report counts as the error here.</summary>
    private static async Task WrapHealth(Task<VllmHealthReport?> call)
    {
        var report = await call;
        if (report is { IsHealthy: false })
        {
            Assert.Contains(report.Problems, p => p.Contains("redirect", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(ReliabilityHost.Canary, string.Join(" ", report.Problems), StringComparison.Ordinal);
            throw new VllmException("unhealthy: " + report.Problems[0]);
        }
    }
}
