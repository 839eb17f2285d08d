using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Reliability;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextGeneration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Completions;

/// <summary>Semantic Kernel's <see cref="ITextGenerationService"/> from <c>AddVllmTextGeneration</c>, against the test server's /v1/completions.</summary>
public sealed class VllmTextGenerationServiceTests
{
    private const string Base = "meta-llama/Llama-3.2-1B";

    private static async Task<VllmTestServer> StartAsync(string version = "0.27.1", VllmTestModel? model = null)
    {
        var options = new VllmTestServerOptions { ServerVersion = version };
        options.Models.Add(model ?? VllmTestModel.Chat(Base));
        return await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    private static (Kernel Kernel, ITextGenerationService Service) Build(VllmTestServer server, string? model = Base, Action<VllmProviderOptions>? configure = null)
    {
        var options = new VllmProviderOptions { BaseUrl = server.BaseUrl, AllowPrivateNetwork = true, Retry = new VllmRetryOptions { MaxAttempts = 1 } };
        configure?.Invoke(options);
        var kernel = Kernel.CreateBuilder().AddVllmTextGeneration(options, model).Build();
        return (kernel, kernel.GetRequiredService<ITextGenerationService>());
    }

    [Fact]
    public void AddVllmTextGeneration_NullOptions_Throws()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Kernel.CreateBuilder().AddVllmTextGeneration(null!));
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public async Task GetTextContentsAsync_NullPrompt_Throws()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => service.GetTextContentsAsync(null!, null, kernel, TestContext.Current.CancellationToken));
        Assert.Equal("prompt", ex.ParamName);
    }

    [Fact]
    public async Task GetTextContentsAsync_VllmSettings_SendsExtrasAndReturnsUsageAndFinishReason()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var settings = new VllmPromptExecutionSettings { MaxTokens = 3, TopK = 20, Temperature = 0.5, ExtensionData = new Dictionary<string, object> { ["stop"] = new[] { "\n" } } };

        var result = Assert.Single(await service.GetTextContentsAsync("Hello, my name is", settings, kernel, TestContext.Current.CancellationToken));

        Assert.Equal(" This is the", result.Text);
        Assert.Equal(Base, result.ModelId);
        Assert.Equal("length", result.Metadata!["FinishReason"]);
        var usage = Assert.IsType<UsageDetails>(result.Metadata["Usage"]);
        Assert.Equal(3, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 0);
        Assert.StartsWith("cmpl-", (string)result.Metadata["Id"]!, StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/completions", request.Path);
        Assert.Equal(200, request.StatusCode);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(["model", "prompt", "temperature", "top_k", "max_tokens", "stop"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Hello, my name is", body.GetProperty("prompt").GetString());
        Assert.Equal(3, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task GetStreamingTextContentsAsync_Prompt_TextMatchesWholeAnswerWithUsageOnLast()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var ct = TestContext.Current.CancellationToken;

        var chunks = new List<StreamingTextContent>();
        await foreach (var chunk in service.GetStreamingTextContentsAsync("Once upon a time", null, kernel, ct))
        {
            chunks.Add(chunk);
        }

        var whole = Assert.Single(await service.GetTextContentsAsync("Once upon a time", null, kernel, ct));
        Assert.Equal(whole.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.Contains(chunks, c => c.Metadata!.TryGetValue("FinishReason", out var f) && (string?)f == "stop");
        var usage = Assert.IsType<UsageDetails>(chunks[^1].Metadata!["Usage"]);
        Assert.Equal(((UsageDetails)whole.Metadata!["Usage"]!).TotalTokenCount, usage.TotalTokenCount);
        var sent = JsonDocument.Parse(server.Requests[0].Body).RootElement;
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.True(sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    public static TheoryData<string> StreamFaults() => new(StreamFaultAssert.Faults);

    [Theory]
    [MemberData(nameof(StreamFaults))]
    public async Task GetStreamingTextContentsAsync_StreamFault_ThrowsSayingWhatArrivedNeverAWholeAnswer(string fault)
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server, configure: o =>
        {
            o.Retry = new VllmRetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };
            StreamFaultAssert.Inject(o, fault);
        });
        var chunks = new List<StreamingTextContent>();
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            await foreach (var chunk in service.GetStreamingTextContentsAsync("Once upon a time", null, kernel, ct))
            {
                chunks.Add(chunk);
            }
        });
        var attempts = server.Requests.Count;

        // What arrived is only ever a beginning of the answer, and never closed with the usage of a whole answer.
        var (wholeKernel, wholeService) = Build(server);
        var whole = Assert.Single(await wholeService.GetTextContentsAsync("Once upon a time", null, wholeKernel, ct));
        var received = string.Concat(chunks.Select(c => c.Text));
        Assert.StartsWith(received, whole.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Metadata!.ContainsKey("Usage"));
        StreamFaultAssert.SaysWhatArrived(ex, fault, received);
        Assert.Equal(1, attempts); // never retried once the stream started
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetTextContentsAsync_EchoAndLogprobs_PromptInFrontAndLogprobsInMetadata(bool stream)
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["echo"] = true, ["logprobs"] = 2, ["max_tokens"] = 4 } };
        var ct = TestContext.Current.CancellationToken;

        string text;
        IReadOnlyList<VllmTokenLogprob> logprobs;
        if (stream)
        {
            var chunks = new List<StreamingTextContent>();
            await foreach (var chunk in service.GetStreamingTextContentsAsync("Say:", settings, kernel, ct))
            {
                chunks.Add(chunk);
            }

            text = string.Concat(chunks.Select(c => c.Text));
            logprobs = (IReadOnlyList<VllmTokenLogprob>)chunks[0].Metadata!["logprobs"]!;
        }
        else
        {
            var result = Assert.Single(await service.GetTextContentsAsync("Say:", settings, kernel, ct));
            text = result.Text!;
            logprobs = (IReadOnlyList<VllmTokenLogprob>)result.Metadata!["logprobs"]!;
        }

        Assert.StartsWith("Say: This is", text, StringComparison.Ordinal);
        // /v1/completions' parallel arrays (tokens, token_logprobs, top_logprobs) read into the same typed tokens as chat's:
        // each token with its logprob and its top alternatives (logprobs = 2, plus the sampled token first).
        Assert.NotEmpty(logprobs);
        Assert.All(logprobs, t =>
        {
            Assert.False(string.IsNullOrEmpty(t.Token));
            Assert.Equal(-0.5, t.Logprob);
            Assert.Equal([t.Token, "<alt1>", "<alt2>"], t.TopLogprobs.Select(a => a.Token));
        });
    }

    [Fact]
    public async Task GetTextContentsAsync_Suffix_RefusedBeforeSending()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["suffix"] = "end" } };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => service.GetTextContentsAsync("a", settings, kernel, TestContext.Current.CancellationToken));

        Assert.Contains("suffix", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    // Every field on the one list vLLM must never get from us (the chat writer leaves them out; the completions route
    // refuses them), including the two the route's own list had missed.
    [Theory]
    [InlineData("service_tier")]
    [InlineData("store")]
    [InlineData("metadata")]
    [InlineData("prompt_cache_key")]
    [InlineData("prompt_cache_retention")]
    [InlineData("safety_identifier")]
    public async Task GetTextContentsAsync_OpenAIOnlyField_RefusedBeforeSending(string field)
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { [field] = "x" } };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => service.GetTextContentsAsync("a", settings, kernel, TestContext.Current.CancellationToken));

        Assert.Equal($"The execution setting \"{field}\" cannot be sent to /v1/completions: vLLM is not OpenAI: remove it.", ex.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetStreamingTextContentsAsync_ChatTemplateKwargs_RefusedBeforeSending()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server);
        var settings = new VllmPromptExecutionSettings { ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = false } };

        await Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            await foreach (var _ in service.GetStreamingTextContentsAsync("a", settings, kernel, TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetTextContentsAsync_UnknownModel_ThrowsWithServedModelsHint()
    {
        await using var server = await StartAsync();
        var (kernel, service) = Build(server, "nope");

        var ex = await Assert.ThrowsAsync<VllmException>(() => service.GetTextContentsAsync("a", null, kernel, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("model", ex.Param);
    }

    [Theory]
    [InlineData("0.27.1", false)]
    [InlineData("0.27.1", true)]
    [InlineData("0.15.1", false)]
    [InlineData("0.15.1", true)]
    public async Task GetTextContentsAsync_SpeechOnlyServer_ThrowsNotAnAnswer(string version, bool stream)
    {
        await using var server = await StartAsync(version, VllmTestModel.Transcription("openai/whisper-large-v3-turbo"));
        var (kernel, service) = Build(server, null);
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<VllmException>(async () =>
        {
            if (stream)
            {
                await foreach (var _ in service.GetStreamingTextContentsAsync("a", null, kernel, ct))
                {
                }
            }
            else
            {
                await service.GetTextContentsAsync("a", null, kernel, ct);
            }
        });

        Assert.Contains("text", ex.Hint, StringComparison.Ordinal);
        if (version == "0.15.1")
        {
            Assert.Equal(200, Assert.Single(server.Requests).StatusCode);
            Assert.Equal("The model does not support Completions API", ex.ServerMessage);
        }
        else
        {
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        }
    }
}
