using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>Error bodies of every router shape through the one error factory, and the retries that fit routers.</summary>
public sealed class VllmRouterErrorTests
{
    private static InMemoryHandler Always(int status, string body, string mediaType = "application/json", string? droppedReason = null)
        => new(_ =>
        {
            var response = InMemoryHandler.Text(body, mediaType, (HttpStatusCode)status);
            if (droppedReason is not null)
            {
                response.Headers.Add("x-llm-d-request-dropped-reason", droppedReason);
            }

            return response;
        });

    private static async Task<(VllmException Error, int Attempts)> FailAsync(InMemoryHandler handler, bool stream = false)
    {
        using var client = RouterClientHost.Chat(handler);
        var ex = await Assert.ThrowsAsync<VllmException>(() => RouterClientHost.RunAsync(client, null, stream));
        return (ex, handler.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_ProductionStackModelNotFound_KeepsTextAndPointsAtModelList(bool stream)
    {
        const string text = "Model 'nope' not found. Available models can be listed at /v1/models.";
        var (ex, attempts) = await FailAsync(Always(404, $$"""{"error": "{{text}}"}"""), stream);

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(text, ex.ServerMessage);
        Assert.Contains("curl http://router.test/v1/models", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("no such route", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Error_KServeModelDoesNotExist_PointsAtModelList()
    {
        var (ex, _) = await FailAsync(Always(404, """{"error": "Model with name nope does not exist."}"""));

        Assert.Equal("Model with name nope does not exist.", ex.ServerMessage);
        Assert.Contains("/models", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("no such route", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_ProductionStackNoLiveEngine_RetriedThenHintsRetryOrScale()
    {
        const string text = "Model 'm' is temporarily unavailable. Please try again later.";
        var (ex, attempts) = await FailAsync(Always(503, $$"""{"error": "{{text}}"}"""));

        Assert.Equal(text, ex.ServerMessage);
        Assert.Contains("scale", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Error_KServeNotReady_HintsToWaitForReady()
    {
        var (ex, _) = await FailAsync(Always(503, """{"error": "Model m is not ready."}"""));

        Assert.Equal("Model m is not ready.", ex.ServerMessage);
        Assert.Contains("READY", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_LlmDPlainTextWithDroppedReason_SurfacedWithRetryOrScaleHint(bool stream)
    {
        const string text = "inference error: ResourceExhausted - system saturated";
        var (ex, attempts) = await FailAsync(Always(429, text, "text/plain", "rejected-saturated"), stream);

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(text, ex.ServerMessage);
        Assert.Equal("rejected-saturated", ex.RequestDroppedReason);
        Assert.Contains("rejected-saturated", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("scale", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Error_EmptyBody429_StatusAndRateHint()
    {
        var (ex, attempts) = await FailAsync(Always(429, string.Empty, "text/plain"));

        Assert.Null(ex.ServerMessage);
        Assert.StartsWith("vLLM returned 429 (TooManyRequests). Hint: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }

    [Theory]
    [InlineData("No healthy workers available", "text/plain")]
    [InlineData("{\"error\": \"All backends failed for model 'm'. Last error: Backend http://10.0.0.7:8000 failed\"}", "application/json")]
    public async Task Error_Router503NoReadyBackend_KeepsTheTextAndHintsAtReplicas(string body, string mediaType)
    {
        var (ex, _) = await FailAsync(Always(503, body, mediaType));

        Assert.StartsWith(body.StartsWith('{') ? "All backends failed" : body, ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("ready replica", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task GetResponseAsync_RetryableStatusOnce_RetriedAndAnswered(int status)
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ => Interlocked.Increment(ref calls) == 1
            ? InMemoryHandler.Text(string.Empty, "text/plain", (HttpStatusCode)status)
            : InMemoryHandler.Text(TestFiles.Read("chat-response.example.json"), "application/json"));
        using var client = RouterClientHost.Chat(handler);

        var response = await client.GetResponseAsync("Hello", null, TestContext.Current.CancellationToken);

        Assert.Equal("Hi! How can I help you today?", response.Text);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task GetResponseAsync_ClientErrorStatus_NotRetried(int status)
    {
        var (_, attempts) = await FailAsync(Always(status, """{"error": "no"}"""));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Evicted429BeforeFirstToken_RetriedAndStreamed()
    {
        var calls = 0;
        var handler = new InMemoryHandler(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                var evicted = InMemoryHandler.Text("inference error: ResourceExhausted - evicted", "text/plain", HttpStatusCode.TooManyRequests);
                evicted.Headers.Add("x-llm-d-request-dropped-reason", "evicted");
                return evicted;
            }

            return InMemoryHandler.Text(TestFiles.Read("chat-stream-text.example.sse"), "text/event-stream");
        });
        using var client = RouterClientHost.Chat(handler);

        var (response, _) = await RouterClientHost.RunAsync(client, null, stream: true);

        Assert.NotEmpty(response.Text);
        Assert.Equal(2, handler.Requests.Count);
    }
}
