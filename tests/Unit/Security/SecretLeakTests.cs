using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Reliability;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>
/// A canary key (and canary values in headers whose names say key/token/secret/authorization) never shows in logs
/// (MEAI UseLogging, our own events and the OpenAI SDK's request log, all at Trace), OpenTelemetry spans (every tag and event of every source), exception text,
/// the options' or health report's text — on the success path and on every error path we can force.
/// </summary>
public sealed class SecretLeakTests
{
    private const string HeaderCanary = "hdr-canary-91be55d0c3";
    private const string TokenCanary = "tok-canary-3c0ffee42";
    private const string SecretCanary = "sec-canary-a11ce7e57";

    private static readonly string[] Canaries = [ReliabilityHost.Canary, HeaderCanary, TokenCanary, SecretCanary];

    [Fact(Timeout = 60_000)]
    public async Task Telemetry_SuccessAndErrorPaths_NoCanaryInLogsSpansOrExceptions()
    {
        var ct = TestContext.Current.CancellationToken;
        var seen = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => seen.Enqueue(Describe(activity)),
        };
        ActivitySource.AddActivityListener(listener);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));

        await using var server = await ReliabilityHost.StartAsync();
        var options = SecretOptions(server.BaseUrl);
        options.LoggerFactory = loggerFactory; // our own events and the SDK's request log, at Trace
        using var vllmChat = new VllmChatClient(options, ReliabilityHost.ChatModel);
        using var chat = new ChatClientBuilder(vllmChat)
            .UseOpenTelemetry(loggerFactory, "reliab.secrets", c => c.EnableSensitiveData = true)
            .UseLogging(loggerFactory)
            .Build();
        using var vllmEmbeddings = new VllmEmbeddingGenerator(options, ReliabilityHost.EmbeddingModel);
        using var embeddings = new EmbeddingGeneratorBuilder<string, Embedding<float>>(vllmEmbeddings)
            .UseOpenTelemetry(loggerFactory, "reliab.secrets", c => c.EnableSensitiveData = true)
            .UseLogging(loggerFactory)
            .Build();

        // Success paths.
        await chat.GetResponseAsync("hello", cancellationToken: ct);
        await foreach (var _ in chat.GetStreamingResponseAsync("hello", cancellationToken: ct))
        {
        }

        await embeddings.GenerateAsync(["hello"], cancellationToken: ct);

        // Error paths: every server-side fault, then a rotated key.
        var errors = new List<Exception>();
        foreach (var fault in new[] { "429;0", "503;0", "500", "delay-first-token;5000", "stall;2", "close;2", "no-done", "error-event;2", "malformed-chunk;2", "oversized-line;65536" })
        {
            options.Headers[VllmTestFault.HeaderName] = fault;
            using var faulted = new ChatClientBuilder(new VllmChatClient(options, ReliabilityHost.ChatModel)).UseOpenTelemetry(loggerFactory, "reliab.secrets", c => c.EnableSensitiveData = true).UseLogging(loggerFactory).Build();
            if (!char.IsLetter(fault[0]) || fault.StartsWith("delay", StringComparison.Ordinal))
            {
                // Status faults and the first-byte delay apply to non-streamed calls too.
                errors.Add(await Assert.ThrowsAsync<VllmException>(() => faulted.GetResponseAsync("hello there my friend", cancellationToken: ct)));
            }

            errors.Add(await Assert.ThrowsAsync<VllmException>(async () =>
            {
                await foreach (var _ in faulted.GetStreamingResponseAsync("hello there my friend", cancellationToken: ct))
                {
                }
            }));
        }

        options.Headers.Remove(VllmTestFault.HeaderName);
        server.Options.ApiKey = "sk-someone-else";
        errors.Add(await Assert.ThrowsAsync<VllmException>(() => chat.GetResponseAsync("hello", cancellationToken: ct)));
        errors.Add(await Assert.ThrowsAsync<VllmException>(() => embeddings.GenerateAsync(["hello"], cancellationToken: ct)));
        using var discovery = new VllmModelDiscovery(options);
        errors.Add(await Assert.ThrowsAsync<VllmException>(() => discovery.GetModelsAsync(ct)));
        using var probe = new VllmHealthProbe(options);
        var report = await probe.ProbeAsync(ct);

        // Where the key actually went: only the Authorization header on the wire.
        Assert.All(server.Requests.Where(r => r.Path.StartsWith("/v1/", StringComparison.Ordinal)), r => Assert.Equal("Bearer " + ReliabilityHost.Canary, r.Headers["Authorization"]));
        Assert.NotEmpty(logs.GetSnapshot());
        Assert.Contains(logs.GetSnapshot(), r => r.Category == "Connectors.Vllm");
        Assert.Contains(logs.GetSnapshot(), r => r.Category?.StartsWith("System.ClientModel", StringComparison.Ordinal) == true);
        Assert.Contains(seen, s => s.Contains("reliab.secrets", StringComparison.Ordinal));
        Assert.False(report.IsHealthy);

        var haystacks = new List<(string Where, string Text)>();
        haystacks.AddRange(logs.GetSnapshot().Select(r => ("log", $"{r.Category} {r.Message} {r.Exception} {string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])}")));
        haystacks.AddRange(seen.Select(s => ("span", s)));
        haystacks.AddRange(errors.Select(e => ("exception", e.ToString())));
        haystacks.Add(("options", options.ToString()));
        haystacks.Add(("report", report.ToString() + " " + string.Join(" ", report.Problems)));
        foreach (var (where, text) in haystacks)
        {
            foreach (var canary in Canaries)
            {
                Assert.False(text.Contains(canary, StringComparison.Ordinal), $"{canary} leaked into {where}: {text}");
            }
        }
    }

    [Fact]
    public void Options_ToString_ShowsNeitherKeyNorSecretHeaderValues()
    {
        var options = SecretOptions(new Uri("http://127.0.0.1:8000/v1"));

        var text = options.ToString();

        Assert.Contains("127.0.0.1:8000", text, StringComparison.Ordinal);
        Assert.All(Canaries, c => Assert.DoesNotContain(c, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthReport_ConfigurationAndAuthProblems_NoCanary()
    {
        // A configuration problem (no private network) and an auth failure both end up as report text.
        await using var server = await ReliabilityHost.StartAsync(apiKey: "sk-other");
        var refused = SecretOptions(server.BaseUrl);
        refused.AllowPrivateNetwork = false;
        var rejected = SecretOptions(server.BaseUrl);

        foreach (var options in new[] { refused, rejected })
        {
            using var probe = new VllmHealthProbe(options);
            var report = await probe.ProbeAsync(TestContext.Current.CancellationToken);

            Assert.False(report.IsHealthy);
            var text = report + " " + string.Join(" ", report.Problems);
            Assert.All(Canaries, c => Assert.DoesNotContain(c, text, StringComparison.Ordinal));
        }
    }

    private static VllmProviderOptions SecretOptions(Uri baseUrl)
    {
        var options = ReliabilityHost.Options(baseUrl);
        options.Retry.MaxAttempts = 1;
        options.Headers["X-Api-Key"] = HeaderCanary;
        options.Headers["X-Session-Token"] = TokenCanary;
        options.Headers["X-Client-Secret"] = SecretCanary;
        return options;
    }

    private static string Describe(Activity activity)
    {
        var text = new StringBuilder(activity.Source.Name).Append(' ').Append(activity.DisplayName).Append(' ').Append(activity.StatusDescription);
        foreach (var tag in activity.TagObjects)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
        }

        foreach (var e in activity.Events)
        {
            text.Append(' ').Append(e.Name);
            foreach (var tag in e.Tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }
        }

        foreach (var item in activity.Baggage)
        {
            text.Append(' ').Append(item.Key).Append('=').Append(item.Value);
        }

        return text.ToString();
    }
}
