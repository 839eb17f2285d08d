using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerFaultTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static Action<HttpRequestMessage> Fault(string value) => r => r.Headers.Add(VllmTestFault.HeaderName, value);

    private static JsonObject StreamRequest()
    {
        var request = Chat("one two three four five", stream: true);
        request["stream_options"] = new JsonObject { ["include_usage"] = true };
        return request;
    }

    [Theory]
    [InlineData("429;7", HttpStatusCode.TooManyRequests, "7")]
    [InlineData("503;3", HttpStatusCode.ServiceUnavailable, "3")]
    public async Task StatusFault_Header_AnswersWithRetryAfterAndIsRecorded(string header, HttpStatusCode status, string retryAfter)
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"), Fault(header));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(retryAfter, response.Headers.GetValues("Retry-After").Single());
        var record = Assert.Single(server.Requests);
        Assert.Equal((int)status, record.StatusCode);
        Assert.NotNull(record.Fault);
    }

    [Fact]
    public async Task StatusFault_503_HasVllmsScalingBody()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"), Fault("503"));

        Assert.Equal("""{"error":"The model is currently scaling. Please try again later."}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task StatusFault_500_HasInternalServerErrorBody()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/embeddings", """{"input":"x"}""", Fault("500"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var expected = JsonNode.Parse("""{"error":{"message":"Internal server error","type":"InternalServerError","param":null,"code":500}}""");
        Assert.True(JsonNode.DeepEquals(expected, await JsonAsync(response)));
    }

    [Fact]
    public async Task ServerFault_WithTimes_AffectsOnlyThatManyRequests()
    {
        var options = new VllmTestServerOptions();
        options.Faults.Add(new VllmTestFault(VllmTestFaultKind.TooManyRequests, parameter: 1, times: 2));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostJsonAsync(client, "/v1/chat/completions", Chat("hi"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK }, statuses);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task HealthLoading_Is503WithEmptyBodyOnHealth()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.HealthLoading, times: 1));

        using var loading = await client.GetAsync("health", Ct);
        using var ready = await client.GetAsync("health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
        Assert.Empty(await loading.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Empty(await ready.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task DelayFirstToken_StillAnswersAndIsRecorded()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("delay-first-token;50"));

        Assert.NotEmpty(await ChunksAsync(response));
        Assert.Equal(VllmTestFaultKind.DelayFirstToken, server.Requests.Single().Fault);
    }

    [Fact]
    public async Task Stall_ClientCancels_ServerObservesTheAbort()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var aborted = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestAborted += (_, r) => aborted.TrySetResult(r);

        var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("stall;2"));
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        using var reader = new StreamReader(stream);
        var first = await reader.ReadLineAsync(Ct);
        Assert.StartsWith("data: ", first, StringComparison.Ordinal);
        response.Dispose();

        var record = await aborted.Task.WaitAsync(Guard, Ct);

        Assert.True(record.Aborted);
        Assert.Equal(1, server.AbortedRequestCount);
        Assert.Equal(VllmTestFaultKind.StallMidStream, record.Fault);
    }

    [Fact]
    public async Task DelayFirstToken_ClientCancelsNonStreamingCall_ServerObservesTheAbort()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var aborted = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestAborted += (_, r) => aborted.TrySetResult(r);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(Chat("slow").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(VllmTestFault.HeaderName, "delay-first-token;600000");

        var send = client.SendAsync(request, cts.Token);
        // Cancel only once the server sits in the delay (the fault is taken just before it).
        while (server.Requests.FirstOrDefault()?.Fault != VllmTestFaultKind.DelayFirstToken)
        {
            await Task.Delay(10, Ct);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        var record = await aborted.Task.WaitAsync(Guard, Ct);

        Assert.True(record.Aborted);
        Assert.Equal(VllmTestFaultKind.DelayFirstToken, record.Fault);
    }

    [Fact]
    public async Task Stall_ServerDisposed_CutsTheStreamInsteadOfWaiting()
    {
        var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("stall;1"));
        var read = response.Content.ReadAsStringAsync(Ct);

        await server.DisposeAsync().AsTask().WaitAsync(Guard, Ct);
        var error = await Record.ExceptionAsync(() => read.WaitAsync(Guard, Ct));

        Assert.NotNull(error);
        Assert.IsNotType<TimeoutException>(error);
        Assert.Equal(0, server.AbortedRequestCount);
    }

    [Fact]
    public async Task Close_ReadingTheStream_Throws()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        // The reset can reach the client before or after the headers; either way the stream must fail, never end quietly.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("close;3"));
            await response.Content.ReadAsStringAsync(Ct);
        });
        Assert.Equal(VllmTestFaultKind.CloseMidStream, Assert.Single(server.Requests).Fault);
        Assert.Equal(0, server.AbortedRequestCount);
    }

    [Fact]
    public async Task NoDone_EndsWithoutDoneButWithValidChunks()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("no-done"));
        var events = await SseEventsAsync(response);

        Assert.DoesNotContain("[DONE]", events);
        Assert.All(events, e => JsonNode.Parse(e));
        Assert.Empty(JsonNode.Parse(events[^1])!["choices"]!.AsArray());
    }

    [Fact]
    public async Task ErrorEvent_IsVllmsSpacedErrorLineThenDone()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("error-event;2"));
        var events = await SseEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, events.Count);
        var expected = TestFiles.Read("chat-stream-error-midstream.example.sse").Split("\n\n")[2]["data: ".Length..];
        Assert.Equal(expected, events[2]);
        Assert.Equal("[DONE]", events[3]);
    }

    [Fact]
    public async Task MalformedChunk_OneEventIsNotJson()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("malformed-chunk;1"));
        var events = await SseEventsAsync(response);

        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(events[1]));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task OversizedLine_SendsOneVeryLongEvent()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), Fault("oversized-line;200000"));
        var events = await SseEventsAsync(response);

        Assert.True(events[1].Length > 200_000);
        Assert.Equal(200_000, Str(JsonNode.Parse(events[1])!["choices"]![0]!["delta"]!["content"]).Length);
    }

    [Theory]
    [InlineData("stall;2", VllmTestFaultKind.StallMidStream, 2)]
    [InlineData("429", VllmTestFaultKind.TooManyRequests, null)]
    [InlineData("HEALTH-LOADING", VllmTestFaultKind.HealthLoading, null)]
    public void TryParse_HeaderForm_GivesKindAndParameter(string value, VllmTestFaultKind kind, int? parameter)
    {
        Assert.True(VllmTestFault.TryParse(value, out var fault));
        Assert.Equal(kind, fault!.Kind);
        Assert.Equal(parameter, fault.Parameter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nonsense")]
    [InlineData("stall;x")]
    public void TryParse_Unknown_ReturnsFalse(string value)
    {
        Assert.False(VllmTestFault.TryParse(value, out _));
    }
}
