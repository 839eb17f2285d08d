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

    /// <summary>The streamed routes: every one takes the stream faults through the same code.</summary>
    public static TheoryData<string> StreamedRoutes() => new("chat", "completions", "transcriptions", "translations");

    private const string Whisper = "openai/whisper-large-v3-turbo";

    /// <summary>A server with a chat model (chat, completions) and a speech model (transcriptions, translations).</summary>
    private static async Task<VllmTestServer> StartStreamingServerAsync()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat(VllmTestServerOptions.DefaultModelId));
        options.Models.Add(VllmTestModel.Transcription(Whisper));
        return await VllmTestServer.StartAsync(options, Ct);
    }

    /// <summary>A streamed request with usage to <paramref name="route"/>, carrying the fault header when one is given.</summary>
    private static async Task<HttpResponseMessage> StreamAsync(HttpClient client, string route, string? fault)
    {
        var configure = fault is null ? null : Fault(fault);
        return route switch
        {
            "chat" => await PostJsonAsync(client, "/v1/chat/completions", StreamRequest(), configure),
            "completions" => await PostJsonAsync(client, "/v1/completions", new JsonObject
            {
                ["model"] = VllmTestServerOptions.DefaultModelId,
                ["prompt"] = "one two three four five",
                ["stream"] = true,
                ["stream_options"] = new JsonObject { ["include_usage"] = true },
            }, configure),
            _ => await PostAsync(client, "/v1/audio/" + route, SpeechForm(true, ("model", Whisper), ("stream", "true"), ("stream_include_usage", "true")), configure),
        };
    }

    /// <summary>The text a route's chunk carries: chat's and speech's <c>delta.content</c>, a completion's <c>text</c>.</summary>
    private static string ChunkText(string route, JsonNode chunk) =>
        Str(route == "completions" ? chunk["choices"]![0]!["text"] : chunk["choices"]![0]!["delta"]!["content"]);

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_NoDone_EveryStreamedRoute_EndsWithoutDoneButWithValidChunks(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);

        using var response = await StreamAsync(client, route, "no-done");
        var events = await SseEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", events);
        Assert.All(events, e => JsonNode.Parse(e));
        Assert.Empty(JsonNode.Parse(events[^1])!["choices"]!.AsArray()); // the usage chunk came; only [DONE] is missing
        Assert.Equal(VllmTestFaultKind.NoDone, Assert.Single(server.Requests).Fault);
    }

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_ErrorEvent_EveryStreamedRoute_IsVllmsErrorLineThenDone(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);

        using var response = await StreamAsync(client, route, "error-event;2");
        var events = await SseEventsAsync(response);

        // vLLM writes the same error event on every streamed route (create_streaming_error_response, then [DONE]).
        var expected = TestFiles.Read("chat-stream-error-midstream.example.sse").Split("\n\n")[2]["data: ".Length..];
        Assert.Equal(4, events.Count);
        Assert.All(events.Take(2), e => JsonNode.Parse(e));
        Assert.Equal(expected, events[2]);
        Assert.Equal("[DONE]", events[3]);
    }

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_MalformedChunk_EveryStreamedRoute_OneRouteChunkCutOffThenTheRest(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);
        using var whole = await StreamAsync(client, route, null);
        var complete = await SseEventsAsync(whole);

        using var response = await StreamAsync(client, route, "malformed-chunk;1");
        var events = await SseEventsAsync(response);

        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(events[1]));
        Assert.EndsWith("[malformed", events[1], StringComparison.Ordinal);
        var start = JsonNode.Parse(events[0])!;
        Assert.StartsWith($"{{\"id\":\"{Str(start["id"])}\",\"object\":\"{Str(start["object"])}\"", events[1], StringComparison.Ordinal);
        Assert.Equal(complete.Count + 1, events.Count); // inserted: every real event still follows
        Assert.Equal("[DONE]", events[^1]);
    }

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_OversizedLine_EveryStreamedRoute_OneValidRouteChunkThatLong(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);

        using var response = await StreamAsync(client, route, "oversized-line;200000");
        var events = await SseEventsAsync(response);

        var chunk = JsonNode.Parse(events[1])!;
        Assert.Equal(200_000, ChunkText(route, chunk).Length);
        Assert.Equal(Str(JsonNode.Parse(events[0])!["object"]), Str(chunk["object"]));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_Close_EveryStreamedRoute_ReadingTheStreamThrows(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);

        // The reset can reach the client before or after the headers; either way the stream must fail, never end quietly.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await StreamAsync(client, route, "close;3");
            await response.Content.ReadAsStringAsync(Ct);
        });
        Assert.Equal(VllmTestFaultKind.CloseMidStream, Assert.Single(server.Requests).Fault);
    }

    [Theory]
    [MemberData(nameof(StreamedRoutes))]
    public async Task StreamFault_Stall_EveryStreamedRoute_SendsNEventsThenWaitsForTheClient(string route)
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);
        var aborted = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestAborted += (_, r) => aborted.TrySetResult(r);

        var response = await StreamAsync(client, route, "stall;2");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var lines = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            lines.Add(await reader.ReadLineAsync(Ct));
        }

        response.Dispose();
        var record = await aborted.Task.WaitAsync(Guard, Ct);

        Assert.StartsWith("data: {", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("data: {", lines[2], StringComparison.Ordinal);
        Assert.Equal([string.Empty, string.Empty], new[] { lines[1], lines[3] });
        Assert.True(record.Aborted);
        Assert.Equal(VllmTestFaultKind.StallMidStream, record.Fault);
    }

    [Fact]
    public async Task StreamFault_NotStreamedRequest_LeavesTheFaultForTheNextStream()
    {
        await using var server = await StartStreamingServerAsync();
        using var client = Client(server);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.NoDone, times: 1));

        using var whole = await PostAsync(client, "/v1/audio/transcriptions", SpeechForm(true, ("model", Whisper)));
        using var streamed = await StreamAsync(client, "transcriptions", null);
        var events = await SseEventsAsync(streamed);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal([null, VllmTestFaultKind.NoDone], server.Requests.Select(r => r.Fault));
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
