using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>One retry layer (MaxAttempts = 1 turns ours off), Retry-After honoured against the total-time cap,
/// and a cancelled call closes its connection so the server (vLLM) sees the disconnect and aborts the generation.</summary>
public sealed class RetryAndCancellationTests
{
    [Theory(Timeout = 30_000)]
    [InlineData(MatrixSurface.Chat, VllmTestFaultKind.TooManyRequests)]
    [InlineData(MatrixSurface.StreamingChat, VllmTestFaultKind.ServiceUnavailable)]
    [InlineData(MatrixSurface.Embeddings, VllmTestFaultKind.TooManyRequests)]
    public async Task Retry_MaxAttemptsOne_NoRetryOfOurOwn(MatrixSurface surface, VllmTestFaultKind kind)
    {
        await using var server = await ReliabilityHost.StartAsync();
        server.AddFault(new VllmTestFault(kind, 0, times: 1));
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.Retry.MaxAttempts = 1;
        using var clients = new SurfaceClients(options);

        await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        Assert.Single(server.Requests, r => ReliabilityHost.PathsOf(surface).Contains(r.Path));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(MatrixSurface.Chat)]
    [InlineData(MatrixSurface.StreamingChat)]
    [InlineData(MatrixSurface.Embeddings)]
    public async Task Retry_RetryAfterBeyondMaxTotalTime_NotRetried(MatrixSurface surface)
    {
        // Retry-After: 30 s is honoured (not shortened to the backoff), so it would exceed MaxTotalTime: no retry.
        await using var server = await ReliabilityHost.StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.TooManyRequests, 30));
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.Retry.MaxAttempts = 5;
        options.Retry.MaxDelay = TimeSpan.FromMinutes(1);
        options.Retry.MaxTotalTime = TimeSpan.FromSeconds(5);
        using var clients = new SurfaceClients(options);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ReliabilityHost.RunAsync(surface, clients, TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Single(server.Requests, r => ReliabilityHost.PathsOf(surface).Contains(r.Path));
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("0", 0.0)]
    public void RetryAfter_Seconds_Parsed(string value, double seconds)
    {
        Assert.True(Connectors.Vllm.Http.VllmBackoff.TryParseRetryAfter(value, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(seconds), delay);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3")]
    public void RetryAfter_Invalid_Ignored(string value)
        => Assert.False(Connectors.Vllm.Http.VllmBackoff.TryParseRetryAfter(value, out _));

    [Fact]
    public void RetryAfter_HttpDateInThePast_Zero()
    {
        Assert.True(Connectors.Vllm.Http.VllmBackoff.TryParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancel_InFlightCall_ServerObservesDisconnect(bool stream)
    {
        await using var server = await ReliabilityHost.StartAsync();
        var aborted = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestAborted += (_, r) => aborted.TrySetResult(r);
        server.AddFault(stream ? new VllmTestFault(VllmTestFaultKind.StallMidStream, 2) : new VllmTestFault(VllmTestFaultKind.DelayFirstToken, 20_000));
        var options = ReliabilityHost.Options(server.BaseUrl);
        options.FirstByteTimeout = TimeSpan.FromMinutes(1);
        options.StreamIdleTimeout = TimeSpan.FromMinutes(1);
        using var chat = new VllmChatClient(options, ReliabilityHost.ChatModel);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            if (stream)
            {
                await foreach (var _ in chat.GetStreamingResponseAsync("hello there my friend", cancellationToken: cts.Token))
                {
                    await cts.CancelAsync();
                }
            }
            else
            {
                var call = chat.GetResponseAsync("hello there my friend", cancellationToken: cts.Token);
                while (server.InFlightRequestCount == 0)
                {
                    await Task.Delay(10, TestContext.Current.CancellationToken);
                }

                await cts.CancelAsync();
                await call;
            }
        });

        var record = await aborted.Task.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Equal("/v1/chat/completions", record.Path);
        Assert.Equal(1, server.AbortedRequestCount);
    }
}
