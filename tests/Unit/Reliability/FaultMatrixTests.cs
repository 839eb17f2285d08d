using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Discovery;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>
/// Every fault crossed with every surface: a typed error (VllmException with vLLM's message where there is one and a
/// hint; OperationCanceledException for the caller's cancel; an unhealthy report with a problem text for the health
/// probe), within the short timeouts, never a shortened answer, never the key, and the next call works.
/// Each cell records its outcome for docs/reliability.md (scripts/reliability-table.sh).
/// </summary>
public sealed class FaultMatrixTests
{
    private const string RotatedKey = "sk-rotated-0000";

    public static TheoryData<MatrixFault, MatrixSurface> Cells()
    {
        var data = new TheoryData<MatrixFault, MatrixSurface>();
        foreach (var fault in Enum.GetValues<MatrixFault>())
        {
            foreach (var surface in Enum.GetValues<MatrixSurface>())
            {
                if (NotApplicable(fault, surface) is null)
                {
                    data.Add(fault, surface);
                }
            }
        }

        return data;
    }

    /// <summary>Why a cell does not apply, or null when it does.</summary>
    internal static string? NotApplicable(MatrixFault fault, MatrixSurface surface) => (fault, surface) switch
    {
        (MatrixFault.StallMidStream or MatrixFault.CloseMidStream or MatrixFault.NoDone or MatrixFault.ErrorEvent or MatrixFault.MalformedChunk or MatrixFault.OversizedLine, not MatrixSurface.StreamingChat)
            => "no stream: the body is one JSON document read whole under MaxResponseBytes/MaxModelsBodyBytes (see LimitTests, NonStreamingBodyFaultTests)",
        (MatrixFault.DelayFirstToken, MatrixSurface.Embeddings or MatrixSurface.Discovery or MatrixSurface.Health)
            => "the test server delays only chat completions; FirstByteTimeout on other routes: NonStreamingBodyFaultTests",
        (MatrixFault.HealthLoading, not MatrixSurface.Health)
            => "only /health answers 503 while loading; API routes are unaffected (503 on them is its own row)",
        _ => null,
    };

    [Fact]
    public void Matrix_NotApplicableCells_RecordedWithReason()
    {
        var total = 0;
        foreach (var fault in Enum.GetValues<MatrixFault>())
        {
            foreach (var surface in Enum.GetValues<MatrixSurface>())
            {
                total++;
                if (NotApplicable(fault, surface) is { } reason)
                {
                    Assert.False(string.IsNullOrWhiteSpace(reason));
                    MatrixRecorder.Record(new CellOutcome(fault, surface, "n/a", null, false, false, null, "n/a", reason));
                }
            }
        }

        // Every streamed-chat cell applies: the streaming path is where the matrix matters most.
        Assert.All(Enum.GetValues<MatrixFault>().Where(f => f != MatrixFault.HealthLoading), f => Assert.Null(NotApplicable(f, MatrixSurface.StreamingChat)));
        Assert.Equal(Enum.GetValues<MatrixFault>().Length * Enum.GetValues<MatrixSurface>().Length, total);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cells))]
    public async Task Cell_Fault_TypedErrorNoKeyAndNextCallWorks(MatrixFault fault, MatrixSurface surface)
    {
        var ct = TestContext.Current.CancellationToken;
        VllmTestServer? server = null;
        var port = 0;
        VllmProviderOptions options;
        switch (fault)
        {
            case MatrixFault.ConnectionRefused:
                port = ClosedPort.Next();
                options = ReliabilityHost.Options(ReliabilityHost.PortUrl(port));
                break;
            case MatrixFault.DnsFailure:
                options = ReliabilityHost.Options(new Uri("http://vllm-matrix.invalid:8000/v1"));
                break;
            default:
                server = await ReliabilityHost.StartAsync();
                options = ReliabilityHost.Options(server.BaseUrl);
                break;
        }

        if (fault == MatrixFault.CallerCancel)
        {
            options.FirstByteTimeout = TimeSpan.FromSeconds(60);
        }

        var clients = new SurfaceClients(options);
        try
        {
            // Arrange the fault.
            if (fault is MatrixFault.ServerRestart or MatrixFault.KeyRotated)
            {
                Assert.True(IsOk(await ReliabilityHost.RunAsync(surface, clients, ct)));
            }

            if (fault == MatrixFault.ServerRestart)
            {
                port = server!.BaseUrl.Port;
                await server.DisposeAsync();
                server = await ReliabilityHost.StartAsync(port);
            }

            if (fault == MatrixFault.KeyRotated)
            {
                server!.Options.ApiKey = RotatedKey;
            }

            server?.Reset();
            if (ServerFault(fault) is { } serverFault)
            {
                server!.AddFault(serverFault);
            }

            using var callerCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (fault == MatrixFault.CallerCancel)
            {
                if (surface is MatrixSurface.Chat or MatrixSurface.StreamingChat)
                {
                    server!.AddFault(new VllmTestFault(VllmTestFaultKind.DelayFirstToken, 30_000, times: 1));
                    callerCts.CancelAfter(TimeSpan.FromMilliseconds(200));
                }
                else
                {
                    await callerCts.CancelAsync();
                }
            }

            // Act.
            Exception? caught = null;
            VllmHealthReport? report = null;
            try
            {
                report = await ReliabilityHost.RunAsync(surface, clients, callerCts.Token);
            }
            catch (Exception ex)
            {
                caught = ex;
            }

            var attempts = server?.Requests.Count(r => ReliabilityHost.PathsOf(surface).Contains(r.Path));

            // The next call.
            server?.ClearFaults();
            string nextCall;
            if (fault == MatrixFault.DnsFailure)
            {
                var again = await Record.ExceptionAsync(() => ReliabilityHost.RunAsync(surface, clients, ct));
                nextCall = surface == MatrixSurface.Health
                    ? "unhealthy report again (the name never resolves)"
                    : $"{again?.GetType().Name} again (the name never resolves)";
                if (surface != MatrixSurface.Health)
                {
                    Assert.IsType<VllmException>(again);
                }
            }
            else
            {
                if (fault == MatrixFault.KeyRotated)
                {
                    clients.Dispose();
                    clients = new SurfaceClients(ReliabilityHost.Options(server!.BaseUrl, RotatedKey));
                }

                if (fault == MatrixFault.ConnectionRefused)
                {
                    server = await ReliabilityHost.StartAsync(port);
                }

                Assert.True(IsOk(await ReliabilityHost.RunAsync(surface, clients, ct)), "the next call must work");
                nextCall = fault == MatrixFault.KeyRotated ? "ok (with the new key)" : fault == MatrixFault.ConnectionRefused ? "ok (server started, same client)" : "ok";
            }

            var outcome = Describe(fault, surface, caught, report, attempts, nextCall);
            MatrixRecorder.Record(outcome);

            // Assert.
            Assert.DoesNotContain(ReliabilityHost.Canary, caught?.ToString() ?? string.Empty, StringComparison.Ordinal);
            if (report is not null)
            {
                Assert.DoesNotContain(ReliabilityHost.Canary, report.ToString(), StringComparison.Ordinal);
                Assert.All(report.Problems, p => Assert.DoesNotContain(ReliabilityHost.Canary, p, StringComparison.Ordinal));
            }

            if (fault == MatrixFault.CallerCancel)
            {
                Assert.IsAssignableFrom<OperationCanceledException>(caught);
                return;
            }

            if (fault == MatrixFault.ServerRestart)
            {
                Assert.Null(caught);
                Assert.True(IsOk(report));
                return;
            }

            if (surface == MatrixSurface.Health)
            {
                Assert.Null(caught);
                Assert.NotNull(report);
                Assert.False(report.IsHealthy);
                Assert.NotEmpty(report.Problems);
                return;
            }

            var vllm = Assert.IsType<VllmException>(caught);
            Assert.False(string.IsNullOrWhiteSpace(vllm.Hint), $"no hint: {vllm.Message}");
            if (fault is MatrixFault.TooManyRequests429 or MatrixFault.ServiceUnavailable503 or MatrixFault.InternalError500 or MatrixFault.ErrorEvent or MatrixFault.KeyRotated)
            {
                Assert.False(string.IsNullOrWhiteSpace(vllm.ServerMessage), $"no server message: {vllm.Message}");
            }

            if (fault is MatrixFault.TooManyRequests429 or MatrixFault.ServiceUnavailable503 or MatrixFault.InternalError500 or MatrixFault.KeyRotated)
            {
                Assert.NotNull(vllm.StatusCode);
            }

            if (surface == MatrixSurface.StreamingChat && fault is MatrixFault.StallMidStream or MatrixFault.CloseMidStream or MatrixFault.NoDone or MatrixFault.ErrorEvent or MatrixFault.MalformedChunk or MatrixFault.OversizedLine)
            {
                Assert.Equal(1, attempts); // never retried after the first streamed byte
            }

            if (fault is MatrixFault.InternalError500 or MatrixFault.KeyRotated)
            {
                Assert.Equal(1, attempts); // not idempotent-safe to retry by default
            }
        }
        finally
        {
            clients.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static bool IsOk(VllmHealthReport? report) => report is null || report.IsHealthy;

    private static VllmTestFault? ServerFault(MatrixFault fault) => fault switch
    {
        MatrixFault.DelayFirstToken => new VllmTestFault(VllmTestFaultKind.DelayFirstToken, 5000),
        MatrixFault.StallMidStream => new VllmTestFault(VllmTestFaultKind.StallMidStream, 2),
        MatrixFault.CloseMidStream => new VllmTestFault(VllmTestFaultKind.CloseMidStream, 2),
        MatrixFault.NoDone => new VllmTestFault(VllmTestFaultKind.NoDone),
        MatrixFault.ErrorEvent => new VllmTestFault(VllmTestFaultKind.ErrorEvent, 2),
        MatrixFault.MalformedChunk => new VllmTestFault(VllmTestFaultKind.MalformedChunk, 2),
        MatrixFault.OversizedLine => new VllmTestFault(VllmTestFaultKind.OversizedLine, 64 * 1024),
        MatrixFault.TooManyRequests429 => new VllmTestFault(VllmTestFaultKind.TooManyRequests, 1),
        MatrixFault.ServiceUnavailable503 => new VllmTestFault(VllmTestFaultKind.ServiceUnavailable, 1),
        MatrixFault.InternalError500 => new VllmTestFault(VllmTestFaultKind.InternalError),
        MatrixFault.HealthLoading => new VllmTestFault(VllmTestFaultKind.HealthLoading),
        _ => null,
    };

    private static CellOutcome Describe(MatrixFault fault, MatrixSurface surface, Exception? caught, VllmHealthReport? report, int? attempts, string nextCall)
    {
        if (caught is VllmException vllm)
        {
            return new CellOutcome(fault, surface, nameof(VllmException), (int?)vllm.StatusCode, !string.IsNullOrWhiteSpace(vllm.ServerMessage), !string.IsNullOrWhiteSpace(vllm.Hint), attempts, nextCall, Trim(vllm.Message));
        }

        if (caught is not null)
        {
            return new CellOutcome(fault, surface, caught.GetType().Name, null, false, false, attempts, nextCall, Trim(caught.Message));
        }

        if (report is { IsHealthy: false })
        {
            return new CellOutcome(fault, surface, "unhealthy report", null, false, report.Problems.Count > 0, attempts, nextCall, Trim(report.Problems[0]));
        }

        return new CellOutcome(fault, surface, "ok", null, false, false, attempts, nextCall, string.Empty);
    }

    private static string Trim(string text)
    {
        var oneLine = text.Replace('\n', ' ').Replace('\r', ' ').Replace("|", "\\|", StringComparison.Ordinal);
        return oneLine.Length <= 160 ? oneLine : oneLine[..157] + "...";
    }
}
