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
    [InlineData(false, "x-session-token")]
    [InlineData(true, "x-session-token")]
    [InlineData(false, " x-session-token , x-session-token-prefill ")] // llm-d with P/D disaggregation: one token per profile
    [InlineData(true, " x-session-token , x-session-token-prefill ")]
    public async Task GetResponseAsync_StickyResponseHeaders_EachSentBackOnThatSessionOnly(bool stream, string setting)
    {
        var names = setting.Split(',', StringSplitOptions.TrimEntries);
        var handler = RouterClientHost.Handler((request, response) =>
        {
            if (RouterClientHost.Header(request, "X-Session-ID") is { } session && RouterClientHost.Header(request, "x-session-token") is null)
            {
                foreach (var name in names)
                {
                    response.Headers.Add(name, name + "-of-" + session);
                }
            }
        });
        using var client = RouterClientHost.Chat(handler, o => o.StickyResponseHeader = setting);

        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s2"), stream);
        await RouterClientHost.RunAsync(client, null, stream);

        var chats = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.All(names, name => Assert.Equal([null, name + "-of-s1", null, null], chats.Select(r => RouterClientHost.Header(r, name))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_ResponseWithSomeStickyHeaders_UpdatesOnlyThoseAndKeepsTheOthers(bool stream)
    {
        // What each turn's response carries: both tokens; decode only (llm-d skipped the prefill profile); prefill only; none.
        (string? Decode, string? Prefill)[] answers = [("d1", "p1"), ("d2", null), (null, "p3"), (null, null), (null, null)];
        var turn = 0;
        var handler = RouterClientHost.Handler((request, response) =>
        {
            if (!request.Path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                return;
            }

            var (decode, prefill) = answers[turn++];
            if (decode is not null)
            {
                response.Headers.Add("x-session-token", decode);
            }

            if (prefill is not null)
            {
                response.Headers.Add("x-session-token-prefill", prefill);
            }
        });
        using var client = RouterClientHost.Chat(handler, o => o.StickyResponseHeader = "x-session-token,x-session-token-prefill");

        for (var i = 0; i < answers.Length; i++)
        {
            await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        }

        var chats = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Equal([null, "d1", "d2", "d2", "d2"], chats.Select(r => RouterClientHost.Header(r, "x-session-token")));
        Assert.Equal([null, "p1", "p1", "p3", "p3"], chats.Select(r => RouterClientHost.Header(r, "x-session-token-prefill")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_CallSetsAStickyHeaderItself_TheCallsValueIsSentNotTheCapturedOne(bool stream)
    {
        var handler = RouterClientHost.Handler((request, response) =>
        {
            if (request.Path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                response.Headers.Add("x-session-token", "pod-a");
            }
        });
        using var client = RouterClientHost.Chat(handler, o => o.StickyResponseHeader = "x-session-token");

        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1").WithRequestHeader("x-session-token", "pod-b"), stream);
        await RouterClientHost.RunAsync(client, new ChatOptions().WithSessionId("s1"), stream);

        var chats = handler.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Equal([null, "pod-b", "pod-a"], chats.Select(r => RouterClientHost.Header(r, "x-session-token")));
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
        var sessions = new VllmStickySessions(["x-session-token"], capacity: 2);
        sessions.Set("a", 0, "1");
        sessions.Set("b", 0, "2");
        Assert.Equal(["1"], sessions.Get("a") ?? []);
        sessions.Set("c", 0, "3");

        Assert.Equal(2, sessions.Count);
        Assert.Equal(["1"], sessions.Get("a") ?? []);
        Assert.Null(sessions.Get("b"));
        Assert.Equal(["3"], sessions.Get("c") ?? []);
    }

    [Fact]
    public void StickySessions_SeveralHeaders_BoundCountsSessionsNotHeaders()
    {
        var sessions = new VllmStickySessions(["x-session-token", "x-session-token-prefill"], capacity: 2);
        sessions.Set("a", 0, "a-decode");
        sessions.Set("a", 1, "a-prefill");
        sessions.Set("b", 1, "b-prefill");
        sessions.Set("a", 0, "a-decode-2"); // a is now the most recently used
        sessions.Set("c", 0, "c-decode");

        Assert.Equal(2, sessions.Count);
        Assert.Equal(["a-decode-2", "a-prefill"], sessions.Get("a") ?? []);
        Assert.Null(sessions.Get("b"));
        Assert.Equal(["c-decode", null], sessions.Get("c") ?? []);
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
    [InlineData("x(a", null)]
    [InlineData("x\u00e4", null)]
    [InlineData("X-Session-ID", "x-session-token,x(a")]
    [InlineData("x-user-id", "x-session-token,X-User-Id")]
    [InlineData("X-Session-ID", "X-Request-Id")]
    [InlineData("X-Session-ID", "x-session-token,x-session-token-prefill,X-Session-Token")]
    public void Validate_BadSessionHeaders_NameTheSetting(string sessionHeader, string? sticky)
    {
        var options = new VllmProviderOptions { SessionHeaderName = sessionHeader, StickyResponseHeader = sticky };

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains(sticky is null ? "SessionHeaderName" : "StickyResponseHeader", ex.Message, StringComparison.Ordinal);
    }

    // Names HTTP does not allow (a comma, brackets, a non-ASCII letter) are refused when the options are validated, naming
    // the setting; before, they passed and every request failed with "Unable to add header … to header collection".
    [Theory]
    [InlineData("x(a")]
    [InlineData("x,a")]
    [InlineData("x\u00e4")]
    public void Validate_HeaderNameHttpDoesNotAllow_NamesTheSetting(string name)
    {
        var options = new VllmProviderOptions { Headers = { [name] = "v" } };

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains($"Headers: '{name}' is not a valid header name (letters, digits and", ex.Message, StringComparison.Ordinal);
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
