using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Error paths with their hints, and cancellation.</content>
public abstract partial class VllmIntegrationTests
{
    [Fact]
    public async Task GetResponseAsync_UnknownModel_ThrowsNotFoundNamingServedModels()
    {
        Require(Kind.Capabilities.VllmErrors, "the server does not answer unknown models with vLLM's 404 NotFoundError.");
        using var client = CreateChatClient("no-such-model-for-the-test");

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync(Ask("Hello"), ShortAnswer(), Ct));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("no-such-model-for-the-test", ex.ServerMessage, StringComparison.Ordinal);
        Assert.NotNull(ex.Hint);
        Assert.Contains("/models", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public Task GetResponseAsync_PromptBeyondContextWindow_ThrowsNamingTheReducer() => ContextOverflowAsync(streaming: false);

    [Fact]
    public Task GetStreamingResponseAsync_PromptBeyondContextWindow_ThrowsNamingTheReducer() => ContextOverflowAsync(streaming: true);

    private async Task ContextOverflowAsync(bool streaming)
    {
        Require(Kind.Capabilities.VllmErrors && Kind.Capabilities.ContextWindowInModels, "the server does not report its context window or vLLM's context-length error.");
        using var discovery = new VllmModelDiscovery(Kind.Options);
        var window = (await discovery.FindModelAsync(Kind.ChatModel, Ct))?.ContextWindow;
        Assert.NotNull(window);
        var prompt = new StringBuilder().Insert(0, "lorem ipsum dolor sit amet ", window.Value / 2 + 64).ToString();
        using var client = CreateChatClient();

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(Ask(prompt), ShortAnswer(), Ct))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(Ask(prompt), ShortAnswer(), Ct);
            }
        });

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("maximum context length", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("VllmTokenBudgetChatReducer", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_WrongApiKey_ThrowsUnauthorizedNamingTheSettingWithoutTheKey()
    {
        Require(Kind.Capabilities.EnforcesApiKey, "the server does not enforce an API key (start vLLM with --api-key and set VLLM_API_KEY).");
        const string WrongKey = "wrong-key-for-the-test";
        using var client = CreateChatClient(options: WithKey(WrongKey));

        var ex = await Assert.ThrowsAsync<VllmException>(() => client.GetResponseAsync(Ask("Hello"), ShortAnswer(), Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("VLLM_API_KEY", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_AlreadyCancelled_ThrowsOperationCanceled()
    {
        RequireKind();
        using var client = CreateChatClient();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask("Hello"), ShortAnswer(), cts.Token));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledAfterFirstUpdate_ThrowsBeforeTheStreamEnds()
    {
        RequireKind();
        using var client = CreateChatClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var received = new List<ChatResponseUpdate>();

        // A long answer (the test server echoes the prompt), so the stream is far from its end when cancelled.
        var prompt = CountingPrompt + string.Concat(Enumerable.Repeat(", and so on", 300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Ask(prompt), ShortAnswer(1024), cts.Token))
            {
                received.Add(update);
                if (received.Count == 1)
                {
                    await cts.CancelAsync();
                }
            }
        });

        // Nothing is handed out after the cancel, not even chunks that were already buffered.
        Assert.Single(received);
    }
}
