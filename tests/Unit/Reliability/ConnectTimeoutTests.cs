using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>ConnectTimeout: a listener whose accept queue is full drops new SYNs, so a connect never completes;
/// the call fails with a VllmException instead of hanging.</summary>
public sealed class ConnectTimeoutTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(MatrixSurface.Chat)]
    [InlineData(MatrixSurface.StreamingChat)]
    [InlineData(MatrixSurface.Embeddings)]
    [InlineData(MatrixSurface.Discovery)]
    public async Task Call_ConnectNeverCompletes_VllmExceptionAfterConnectTimeout(MatrixSurface surface)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0); // never accepted
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            // Fill the accept queue; further SYNs are dropped by the kernel.
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                fillers.Add(filler);
                try
                {
                    filler.Connect(endPoint);
                }
                catch (SocketException)
                {
                    // In progress or refused: either way the queue is filling.
                }
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
            var options = ReliabilityHost.Options(new Uri($"http://127.0.0.1:{endPoint.Port}/v1"));
            options.ConnectTimeout = TimeSpan.FromSeconds(1);
            options.FirstByteTimeout = TimeSpan.FromMinutes(5);
            options.Retry.MaxAttempts = 1;
            using var clients = new SurfaceClients(options);

            var ex = await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

            Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
            Assert.Contains("ConnectTimeout", ex.Message, StringComparison.Ordinal); // not "FirstByteTimeout": the hint must name the right setting
            Assert.DoesNotContain("FirstByteTimeout", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
