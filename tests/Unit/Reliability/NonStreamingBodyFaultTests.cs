using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>
/// Faults on non-streamed bodies (chat, embeddings, discovery), which the vLLM test server does not emulate:
/// no answer at all, a body cut or stalled half-way, a body that is not the JSON it should be. Each gives a
/// VllmException with a hint within the short timeouts (the xunit Timeout is only a hang guard), never a
/// NullReference/JsonException, and never a partial answer.
/// </summary>
public sealed class NonStreamingBodyFaultTests
{
    public static TheoryData<MatrixSurface, string> Cases()
    {
        var data = new TheoryData<MatrixSurface, string>();
        foreach (var surface in new[] { MatrixSurface.Chat, MatrixSurface.Embeddings, MatrixSurface.Discovery })
        {
            foreach (var behaviour in new[] { "no-headers", "cut-body", "stall-body", "truncated-json", "not-json", "wrong-shape" })
            {
                data.Add(surface, behaviour);
            }
        }

        return data;
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Cases))]
    public async Task Call_BrokenBody_VllmExceptionWithHint(MatrixSurface surface, string behaviour)
    {
        await using var server = new RawHttpServer((request, stream, ct) => RespondAsync(behaviour, stream, ct));
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.Retry.MaxAttempts = 1;
        using var clients = new SurfaceClients(options);

        var ex = await Record.ExceptionAsync(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        var vllm = Assert.IsType<VllmException>(ex);
        Assert.False(string.IsNullOrWhiteSpace(vllm.Hint), vllm.Message);
        Assert.DoesNotContain(ReliabilityHost.Canary, vllm.ToString(), StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(MatrixSurface.Chat)]
    [InlineData(MatrixSurface.Embeddings)]
    [InlineData(MatrixSurface.Discovery)]
    public async Task Call_CutBody_SameMessageOnEverySurface(MatrixSurface surface)
    {
        // One body reader for every component: a body that breaks off reads the same everywhere, with how much arrived.
        await using var server = new RawHttpServer((request, stream, ct) => RespondAsync("cut-body", stream, ct));
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.Retry.MaxAttempts = 1;
        using var clients = new SurfaceClients(options);

        var ex = await Record.ExceptionAsync(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        var vllm = Assert.IsType<VllmException>(ex);
        Assert.StartsWith("The answer broke off after ", vllm.ServerMessage, StringComparison.Ordinal);
        Assert.Contains(" bytes: ", vllm.ServerMessage, StringComparison.Ordinal);
    }

    private static async Task RespondAsync(string behaviour, Stream stream, CancellationToken ct)
    {
        switch (behaviour)
        {
            case "no-headers":
                await Task.Delay(Timeout.Infinite, ct);
                break;
            case "cut-body":
                await RawHttpServer.WriteHeadAsync(stream, 200, 4096, "application/json", ct);
                await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"object\":\"list\",\"data\":["), ct);
                await stream.FlushAsync(ct);
                throw new IOException("closing mid-body on purpose");
            case "stall-body":
                await RawHttpServer.WriteHeadAsync(stream, 200, 4096, "application/json", ct);
                await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"object\":\"list\",\"data\":["), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(Timeout.Infinite, ct);
                break;
            case "truncated-json":
                await RawHttpServer.WriteAsync(stream, 200, "{\"object\":\"list\",\"data\":[{\"id\":", ct);
                break;
            case "not-json":
                await RawHttpServer.WriteAsync(stream, 200, "<html>proxy says hello</html>", ct);
                break;
            default:
                await RawHttpServer.WriteAsync(stream, 200, "{\"object\":\"list\",\"data\":7,\"choices\":null}", ct);
                break;
        }
    }
}
