using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>
/// Size caps against a hostile or broken server: MaxSseLineBytes, MaxResponseBytes, MaxModelsBodyBytes. Exceeding a
/// cap gives a VllmException naming it, and the reader stops there: an endless body is abandoned long before the
/// server could write it all (the server counts what it managed to send before the client went away).
/// </summary>
public sealed class LimitTests
{
    private const long Endless = 1L << 30; // 1 GiB announced; the client must stop after a few KiB

    [Theory(Timeout = 60_000)]
    [InlineData(MatrixSurface.Chat, "MaxResponseBytes")]
    [InlineData(MatrixSurface.Embeddings, "MaxResponseBytes")]
    [InlineData(MatrixSurface.Discovery, "MaxModelsBodyBytes")]
    [InlineData(MatrixSurface.StreamingChat, "MaxSseLineBytes")]
    public async Task Call_EndlessBody_StopsAtCapWithVllmException(MatrixSurface surface, string cap)
    {
        long written = 0;
        await using var server = new RawHttpServer(async (request, stream, ct) =>
        {
            var streaming = surface == MatrixSurface.StreamingChat;
            await RawHttpServer.WriteHeadAsync(stream, 200, Endless, streaming ? "text/event-stream" : "application/json", ct);
            var chunk = Encoding.ASCII.GetBytes(streaming ? "data: {\"x\":\"" + new string('a', 8187) : "{\"data\":\"" + new string('a', 8183));
            chunk = chunk.AsSpan(0, 8192).ToArray();
            while (Interlocked.Read(ref written) < Endless)
            {
                await stream.WriteAsync(chunk, ct);
                Interlocked.Add(ref written, chunk.Length);
                chunk = Encoding.ASCII.GetBytes(new string('a', 8192));
            }
        });
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.Retry.MaxAttempts = 1;
        options.MaxResponseBytes = 16 * 1024;
        options.MaxModelsBodyBytes = 16 * 1024;
        options.MaxSseLineBytes = 16 * 1024;
        using var clients = new SurfaceClients(options);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        Assert.Contains(cap, ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));

        // The client stopped reading and closed: the server's writes end far short of the announced gigabyte.
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.True(Interlocked.Read(ref written) < 256L * 1024 * 1024, $"server wrote {Interlocked.Read(ref written)} bytes");
    }

    [Fact]
    public async Task Health_ModelsBodyOverCap_UnhealthyNamingMaxModelsBodyBytes()
    {
        await using var server = await ReliabilityHost.StartAsync();
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.MaxModelsBodyBytes = 64;
        using var probe = new VllmHealthProbe(options);

        var report = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(report.IsHealthy);
        Assert.Contains(report.Problems, p => p.Contains("MaxModelsBodyBytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MatrixSurface.Chat, "MaxResponseBytes")]
    [InlineData(MatrixSurface.Embeddings, "MaxResponseBytes")]
    [InlineData(MatrixSurface.Discovery, "MaxModelsBodyBytes")]
    [InlineData(MatrixSurface.StreamingChat, "MaxSseLineBytes")]
    public async Task Call_RealAnswerOverSmallCap_VllmExceptionNamingCap(MatrixSurface surface, string cap)
    {
        await using var server = await ReliabilityHost.StartAsync();
        if (surface == MatrixSurface.StreamingChat)
        {
            server.AddFault(new VllmTestFault(VllmTestFaultKind.OversizedLine, 64 * 1024));
        }

        var options = ReliabilityHost.Options(server.BaseUrl);
        options.MaxResponseBytes = 64;
        options.MaxModelsBodyBytes = 64;
        options.MaxSseLineBytes = 1024;
        using var clients = new SurfaceClients(options);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        Assert.Contains(cap, ex.Message, StringComparison.Ordinal);
    }
}
