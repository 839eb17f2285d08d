using System;
using System.ClientModel;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Server errors, broken streams, retries, timeouts and cancellation.</summary>
public sealed class VllmChatClientErrorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_Unauthorized_StatusMessageAndApiKeyHint(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ApiKey = "secret-key");
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("Unauthorized", ex.ServerMessage);
        Assert.Contains("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.IsType<ClientResultException>(ex.InnerException);
        Assert.DoesNotContain("secret-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_UnauthorizedWithoutConfiguredKey_SaysNoKeyWasSentAndHowToSetOne(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ApiKey = "secret-key");
        using var client = ChatTestHost.Client(server);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(
            "vLLM returned 401 (Unauthorized): Unauthorized. Hint: No API key was sent, because none is configured, and the server requires one "
            + "(it was started with --api-key). Set ApiKey (Vllm:ApiKey in configuration, or the VLLM_API_KEY environment variable) to that key.",
            ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_UnauthorizedWithWrongKey_SaysTheSentKeyWasRejected(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ApiKey = "secret-key");
        using var client = ChatTestHost.Client(server, o => o.ApiKey = "wrong-key");

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(
            "vLLM returned 401 (Unauthorized): Unauthorized. Hint: The server rejected the API key that was sent. "
            + "Set ApiKey (Vllm:ApiKey in configuration, or the VLLM_API_KEY environment variable) to the key the server was started with (--api-key).",
            ex.Message);
        Assert.DoesNotContain("wrong-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_OptionsBoundFromAnotherSection_HintNamesTheKeyUnderThatSection(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ApiKey = "secret-key");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("Aspire:Vllm:chat:BaseUrl", server.BaseUrl.ToString()),
            new("Aspire:Vllm:chat:ApiKey", "wrong-key"),
            new("Aspire:Vllm:chat:AllowPrivateNetwork", "true"),
        ]).Build();
        using var client = new VllmChatClient(VllmProviderOptions.FromConfiguration(configuration.GetSection("Aspire:Vllm:chat")), VllmTestServerOptions.DefaultModelId);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        // Options read from another section never read VLLM_API_KEY: only the key under that section is named.
        Assert.Contains("Set ApiKey (Aspire:Vllm:chat:ApiKey in configuration) to the key", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_UnknownModelWithConfiguredModels_HintListsWhatTheServerServesAskedOnce(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(
            server,
            o =>
            {
                o.Models.Add(new VllmModelDefinition { Id = "configured-a" });
                o.Models.Add(new VllmModelDefinition { Id = "configured-b" });
            },
            model: "configured-b");

        var first = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));
        var second = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal($"The server serves: {VllmTestServerOptions.DefaultModelId}. Use one of these model ids (curl {server.BaseUrl.ToString().TrimEnd('/')}/models).", first.Hint);
        Assert.Equal(first.Hint, second.Hint);
        Assert.Single(server.Requests, r => r.Path == "/v1/models"); // asked once, then cached
    }

    [Theory]
    [InlineData(false, "0.27.1")]
    [InlineData(true, "0.27.1")]
    [InlineData(false, "0.9.2")]
    [InlineData(true, "0.9.2")]
    public async Task Error_UnknownModel_HintListsServedModelsInBothBodyForms(bool stream, string version)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = version);
        using var client = ChatTestHost.Client(server, model: "vllm/no-such-model");

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("no-such-model", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("test-model", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_ContextLength_ServerNumbersAndWindowHint(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.Models.Add(VllmTestModel.Chat("small", maxModelLen: 32)));
        using var client = ChatTestHost.Client(server, o => o.Models.Add(new VllmModelDefinition { Id = "small", ContextWindow = 32 }), model: "small");
        var prompt = string.Join(' ', Enumerable.Repeat("word", 200));

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, prompt, new ChatOptions { MaxOutputTokens = 8 }, stream));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("maximum context length is 32", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("context window (32 tokens)", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("MaxOutputTokens", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_ConnectionRefused_BaseUrlAndCurlHint(bool stream)
    {
        var port = FreePort();
        var options = new VllmProviderOptions
        {
            BaseUrl = new Uri($"http://127.0.0.1:{port}/v1"),
            AllowPrivateNetwork = true,
            Retry = new VllmRetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) },
        };
        using var client = new VllmChatClient(options, "m");

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Null(ex.StatusCode);
        Assert.Contains($"127.0.0.1:{port}", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains($"curl http://127.0.0.1:{port}/v1/models", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_InternalServerError_EngineHint(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Headers[VllmTestFault.HeaderName] = "500");

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("server log", ex.Hint, StringComparison.Ordinal);
        Assert.Single(ChatTestHost.ChatRequests(server));
    }

    [Theory]
    [InlineData("error-event;2", "Internal server error")]
    [InlineData("close;2", "")]
    [InlineData("no-done", "without [DONE]")]
    [InlineData("malformed-chunk;2", "malformed chunk")]
    public async Task Stream_Fault_ThrowsVllmExceptionNeverEndsQuietly(string fault, string expected)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Headers[VllmTestFault.HeaderName] = fault);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello there, how are you?", null, stream: true));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Single(ChatTestHost.ChatRequests(server)); // never retried once streaming started
    }

    [Fact]
    public async Task Stream_OversizedLine_ThrowsNamingMaxSseLineBytes()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o =>
        {
            o.Headers[VllmTestFault.HeaderName] = "oversized-line;65536";
            o.MaxSseLineBytes = 4096;
        });

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream: true));

        Assert.Contains("MaxSseLineBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_Stall_ThrowsAfterStreamIdleTimeoutInsteadOfHanging()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o =>
        {
            o.Headers[VllmTestFault.HeaderName] = "stall;2";
            o.StreamIdleTimeout = TimeSpan.FromMilliseconds(300);
        });

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream: true));

        Assert.Contains("StreamIdleTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_StallWithFirstByteTimeoutShorterThanIdle_NamesStreamIdleTimeout()
    {
        // FirstByteTimeout times only the headers: a stalled stream is ended by StreamIdleTimeout, whatever their order.
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o =>
        {
            o.Headers[VllmTestFault.HeaderName] = "stall;2";
            o.FirstByteTimeout = TimeSpan.FromMilliseconds(200);
            o.StreamIdleTimeout = TimeSpan.FromSeconds(1);
        });

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream: true));

        Assert.Contains("no data for 1 s (StreamIdleTimeout)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Raise Vllm:StreamIdleTimeout", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_SlowConsumer_NotMistakenForAStalledServer()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.StreamIdleTimeout = TimeSpan.FromMilliseconds(200));
        var text = new System.Text.StringBuilder();

        await foreach (var update in client.GetStreamingResponseAsync("Hello", cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
            if (text.Length > 0 && text.Length < 20)
            {
                await Task.Delay(400, TestContext.Current.CancellationToken); // longer than StreamIdleTimeout, between reads
            }
        }

        Assert.Equal("[test-model] echo: Hello", text.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timeout_NoFirstByteWithinFirstByteTimeout_VllmException(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o =>
        {
            o.Headers[VllmTestFault.HeaderName] = "delay-first-token;5000";
            o.FirstByteTimeout = TimeSpan.FromMilliseconds(200);
        });

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Contains("FirstByteTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, VllmTestFaultKind.TooManyRequests)]
    [InlineData(true, VllmTestFaultKind.TooManyRequests)]
    [InlineData(false, VllmTestFaultKind.ServiceUnavailable)]
    [InlineData(true, VllmTestFaultKind.ServiceUnavailable)]
    public async Task Retry_TransientStatusWithRetryAfter_RetriedThenSucceeds(bool stream, VllmTestFaultKind kind)
    {
        await using var server = await ChatTestHost.StartAsync();
        server.AddFault(new VllmTestFault(kind, parameter: 1, times: 2));
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", null, stream);

        Assert.Equal("[test-model] echo: Hello", run.Response.Text);
        Assert.Equal(3, ChatTestHost.ChatRequests(server).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retry_AttemptsExhausted_ThrowsLastStatusAfterMaxAttempts(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        server.AddFault(new VllmTestFault(VllmTestFaultKind.TooManyRequests, parameter: 1));
        using var client = ChatTestHost.Client(server, o => o.Retry.MaxAttempts = 2);

        var ex = await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", null, stream));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(2, ChatTestHost.ChatRequests(server).Count);
    }

    [Fact]
    public async Task Retry_BadRequest_NotRetried()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await Assert.ThrowsAsync<VllmException>(() => ChatTestHost.CallAsync(client, "Hello", new ChatOptions { Temperature = 3f }, stream: false));

        Assert.Single(ChatTestHost.ChatRequests(server));
    }

    [Fact]
    public async Task Cancellation_MidStream_OperationCanceledAndResponseReleased()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server, o => o.Headers[VllmTestFault.HeaderName] = "stall;2");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("Hello", cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        // The server sees the client go away (bounded wait, not a timing assertion).
        for (var i = 0; i < 100 && !ChatTestHost.ChatRequests(server)[0].Aborted; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(ChatTestHost.ChatRequests(server)[0].Aborted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancellation_BeforeSending_OperationCanceled(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            if (stream)
            {
                await foreach (var _ in client.GetStreamingResponseAsync("Hello", cancellationToken: cts.Token))
                {
                }
            }
            else
            {
                await client.GetResponseAsync("Hello", cancellationToken: cts.Token);
            }
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
