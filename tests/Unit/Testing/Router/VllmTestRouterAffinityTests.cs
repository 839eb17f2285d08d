using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

public sealed class VllmTestRouterAffinityTests
{
    private static readonly string[] Sessions = Enumerable.Range(0, 16).Select(i => "session-" + i).ToArray();

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, "x-user-id")]
    [InlineData(VllmTestRouterMode.VllmRouter, "X-Session-ID")]
    [InlineData(VllmTestRouterMode.VllmRouter, "X-User-ID")]
    [InlineData(VllmTestRouterMode.LlmD, "x-session-id")]
    public async Task Route_SameSessionHeader_AlwaysSameBackendAndIdsSpread(VllmTestRouterMode mode, string header)
    {
        await using var bed = await RouterTestBed.StartAsync(mode, backends: 3, o => o.SessionKey = "x-user-id");
        var used = new System.Collections.Generic.HashSet<int>();

        foreach (var session in Sessions)
        {
            var first = await bed.ChatAsync((header, session));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(first, await bed.ChatAsync((header, session)));
            }

            Assert.Equal(session, bed.Router.Requests[^1].RoutingKey);
            used.Add(first!.Value);
        }

        Assert.Equal(3, used.Count);
    }

    [Fact]
    public async Task Route_ProductionStackSessionKeyInBody_PinsLikeTheHeader()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, backends: 3, o => o.SessionKey = "x-user-id");
        var byHeader = await bed.ChatAsync(("x-user-id", "alice"));
        var body = Chat("hi");
        body["x-user-id"] = "alice";

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, body);

        Assert.Equal(byHeader, bed.Router.Requests[^1].Backend);
        Assert.Equal("alice", bed.Router.Requests[^1].RoutingKey);
    }

    [Fact]
    public async Task Route_ProductionStackWithoutSessionKey_RoundRobin()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, backends: 2);

        var picks = new[] { await bed.ChatAsync(("x-user-id", "a")), await bed.ChatAsync(("x-user-id", "a")) };

        Assert.NotEqual(picks[0], picks[1]);
        Assert.Null(bed.Router.Requests[^1].RoutingKey);
    }

    [Fact]
    public async Task Route_VllmRouterSessionHeaderOutranksRequestId_SameBackend()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, backends: 3);
        var backends = new System.Collections.Generic.HashSet<int?>();

        for (var i = 0; i < 8; i++)
        {
            backends.Add(await bed.ChatAsync(("X-Session-ID", "conversation-1"), ("X-Request-ID", "req-" + i)));
        }

        Assert.Single(backends);
        Assert.Equal("conversation-1", bed.Router.Requests[^1].RoutingKey);
    }

    [Fact]
    public async Task Route_VllmRouterBodyUser_IsTheKeyWithoutHeaders()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, backends: 3);
        var body = Chat("hi");
        body["user"] = "user-67890";

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, body);

        Assert.Equal("user-67890", bed.Router.Requests[^1].RoutingKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("x-session-token-prefill")] // prefill/decode disaggregation: a second token, for the prefill pod
    public async Task Route_LlmDSessionTokens_AreReturnedAndEachPinsItsPod(string? prefillHeader)
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, backends: 3, o => o.PrefillTokenHeader = prefillHeader);
        using var first = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));
        var (decode, prefill) = (bed.Router.Requests[^1].Backend, bed.Router.Requests[^1].PrefillBackend);
        var tokens = first.Headers.Where(h => h.Key.StartsWith("x-session-token", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key, Value: h.Value.Single())).OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(decode, await bed.ChatAsync(tokens));
            Assert.Equal(prefill, bed.Router.Requests[^1].PrefillBackend);
        }

        Assert.Equal(
            prefillHeader is null ? [("x-session-token", "default/vllm-" + decode)] : [("x-session-token", "default/vllm-" + decode), (prefillHeader, "default/vllm-" + prefill)],
            tokens.Select(t => (t.Name, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(t.Value)))));
        Assert.Equal(prefillHeader is null, prefill is null);
    }

    [Fact]
    public async Task Route_LlmDPrefillTokenNotSentBack_PrefillPodChangesWhileDecodeStays()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, backends: 3, o => o.PrefillTokenHeader = "x-session-token-prefill");
        using var first = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));
        var decodeToken = first.Headers.GetValues("x-session-token").Single();
        var prefills = new System.Collections.Generic.HashSet<int?>();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(bed.Router.Requests[0].Backend, await bed.ChatAsync(("x-session-token", decodeToken)));
            prefills.Add(bed.Router.Requests[^1].PrefillBackend);
        }

        Assert.Equal(3, prefills.Count);
    }

    [Fact]
    public async Task Route_SessionBackendDown_MovesToALiveOneAndBack()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, backends: 3);
        var home = (await bed.ChatAsync(("X-Session-ID", "s1")))!.Value;

        bed.Router.SetBackendAvailable(home, false);
        var moved = await bed.ChatAsync(("X-Session-ID", "s1"));
        bed.Router.SetBackendAvailable(home, true);

        Assert.NotEqual(home, moved);
        Assert.Equal(home, await bed.ChatAsync(("X-Session-ID", "s1")));
    }

    [Fact]
    public async Task Route_KServe_RoundRobinsAcrossReplicas()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe, backends: 2);

        var picks = new[] { await bed.ChatAsync(("X-Session-ID", "s")), await bed.ChatAsync(("X-Session-ID", "s")) };

        Assert.Equal([0, 1], picks.Select(p => p!.Value).Order());
    }
}
