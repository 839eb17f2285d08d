using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>Session affinity: the session header, the sticky response header, llm-d's objective / fairness / SLO headers.</summary>
public sealed class VllmSessionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_WithSessionId_SentInDefaultSessionHeader(bool stream)
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler);

        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("conv-1"), stream);

        Assert.Equal("conv-1", RouterClientHost.Header(handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)), "X-Session-ID"));
    }

    [Fact]
    public async Task GetResponseAsync_SessionHeaderNameSet_SentUnderThatName()
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler, o => o.SessionHeaderName = "x-user-id");

        await client.GetResponseAsync("Hello", new ChatOptions().WithSessionId("alice"), TestContext.Current.CancellationToken);

        var request = handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("alice", RouterClientHost.Header(request, "x-user-id"));
        Assert.Null(RouterClientHost.Header(request, "X-Session-ID"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_StickyResponseHeader_SentBackOnThatSessionOnly(bool stream)
    {
        var handler = RouterClientHost.Handler((request, response) =>
        {
            if (RouterClientHost.Header(request, "X-Session-ID") is { } session && RouterClientHost.Header(request, "x-session-token") is null)
            {
                response.Headers.Add("x-session-token", "pod-of-" + session);
            }
        });
        using var client = RouterClientHost.Chat(handler, o => o.StickyResponseHeader = "x-session-token");

        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s2"), stream);
        await RouterClientHost.RunAsync(client, null, stream);

        var tokens = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => RouterClientHost.Header(r, "x-session-token")).ToList();
        Assert.Equal([null, "pod-of-s1", null, null], tokens);
    }

    [Fact]
    public async Task GetResponseAsync_NoStickyResponseHeaderConfigured_NothingSentBack()
    {
        var handler = RouterClientHost.Handler((_, response) => response.Headers.Add("x-session-token", "pod-a"));
        using var client = RouterClientHost.Chat(handler);

        await client.GetResponseAsync("Hello", new ChatOptions().WithSessionId("s1"), TestContext.Current.CancellationToken);
        await client.GetResponseAsync("Hello", new ChatOptions().WithSessionId("s1"), TestContext.Current.CancellationToken);

        Assert.All(handler.Requests, r => Assert.Null(RouterClientHost.Header(r, "x-session-token")));
    }

    [Fact]
    public void StickySessions_OverCapacity_ForgetsTheLeastRecentlyUsed()
    {
        var sessions = new VllmStickySessions(capacity: 2);
        sessions.Set("a", "1");
        sessions.Set("b", "2");
        Assert.Equal("1", sessions.Get("a"));
        sessions.Set("c", "3");

        Assert.Equal(2, sessions.Count);
        Assert.Equal("1", sessions.Get("a"));
        Assert.Null(sessions.Get("b"));
        Assert.Equal("3", sessions.Get("c"));
    }

    [Fact]
    public async Task GetResponseAsync_LlmDHelpers_SendTheirHeaders()
    {
        var handler = RouterClientHost.Handler();
        using var client = RouterClientHost.Chat(handler);
        var options = new ChatOptions()
            .WithInferenceObjective("premium")
            .WithFairnessId("tenant-a")
            .WithTimeToFirstTokenObjective(TimeSpan.FromMilliseconds(250))
            .WithTimePerOutputTokenObjective(TimeSpan.FromMilliseconds(20.4));

        await client.GetResponseAsync("Hello", options, TestContext.Current.CancellationToken);

        var request = handler.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("premium", RouterClientHost.Header(request, "x-llm-d-inference-objective"));
        Assert.Equal("tenant-a", RouterClientHost.Header(request, "x-llm-d-inference-fairness-id"));
        Assert.Equal("250", RouterClientHost.Header(request, "x-llm-d-slo-ttft-ms"));
        Assert.Equal("20", RouterClientHost.Header(request, "x-llm-d-slo-tpot-ms"));
    }

    [Fact]
    public void WithTimeToFirstTokenObjective_NotPositive_Throws()
        => Assert.Equal("timeToFirstToken", Assert.Throws<ArgumentOutOfRangeException>(() => new ChatOptions().WithTimeToFirstTokenObjective(TimeSpan.Zero)).ParamName);

    [Theory]
    [InlineData("Authorization", null)]
    [InlineData("bad name", null)]
    [InlineData("X-Session-ID", "X-Request-Id")]
    public void Validate_BadSessionHeaders_NameTheSetting(string sessionHeader, string? sticky)
    {
        var options = new VllmProviderOptions { SessionHeaderName = sessionHeader, StickyResponseHeader = sticky };

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains(sticky is null ? "SessionHeaderName" : "StickyResponseHeader", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_SessionSettings_Bind()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new System.Collections.Generic.Dictionary<string, string?> { ["Vllm:SessionHeaderName"] = "x-user-id", ["Vllm:StickyResponseHeader"] = "x-session-token" })
            .Build();

        var options = VllmProviderOptions.FromConfiguration(configuration.GetSection("Vllm"));

        Assert.Equal("x-user-id", options.SessionHeaderName);
        Assert.Equal("x-session-token", options.StickyResponseHeader);
    }
}
