using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

public sealed class VllmTestRouterForwardingTests
{
    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, "X-Request-Id")]
    [InlineData(VllmTestRouterMode.VllmRouter, "x-request-id")]
    public async Task RequestId_ClientsId_ReachesVllmAndComesBack(VllmTestRouterMode mode, string header)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"), r => r.Headers.Add("X-Request-Id", "my-request-1"));

        Assert.Equal("my-request-1", response.Headers.GetValues(header).Single());
        Assert.Equal("chatcmpl-my-request-1", Str((await JsonAsync(response))["id"]));
        Assert.Equal("my-request-1", bed.Router.Requests.Single().RequestId);
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, 36)]
    [InlineData(VllmTestRouterMode.VllmRouter, 33)]
    public async Task RequestId_None_RouterMakesOneSentToVllmAndReturned(VllmTestRouterMode mode, int length)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));

        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal(length, id.Length);
        Assert.Equal(id, bed.Backends.SelectMany(b => b.Requests).Single().Headers["X-Request-Id"]);
    }

    [Fact]
    public async Task RequestId_RouterError_StillCarriesTheId()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi", model: "nope"), r => r.Headers.Add("X-Request-Id", "lost-1"));

        Assert.Equal("lost-1", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task RequestId_LlmDWithout_MakesOneForVllmButReturnsNone()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));

        Assert.False(response.Headers.Contains("X-Request-Id"));
        var sent = bed.Backends.SelectMany(b => b.Requests).Single().Headers["X-Request-Id"];
        Assert.True(Guid.TryParse(sent, out _));
        Assert.Equal("chatcmpl-" + sent, Str((await JsonAsync(response))["id"]));
    }

    [Fact]
    public async Task RequestId_KServe_PassesTheClientsThroughAndMakesNone()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));

        Assert.False(bed.Backends.SelectMany(b => b.Requests).Single().Headers.ContainsKey("X-Request-Id"));
        Assert.Null(bed.Router.Requests.Single().RequestId);
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack)]
    [InlineData(VllmTestRouterMode.LlmD)]
    [InlineData(VllmTestRouterMode.VllmRouter)]
    [InlineData(VllmTestRouterMode.KServe)]
    public async Task Forward_Stream_PassedThroughWhole(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("one two three", stream: true));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = await ChunksAsync(response);
        Assert.Equal("[test-model] echo: one two three", string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>())));
    }

    [Fact]
    public async Task Forward_BackendDiesMidStream_ClientStreamBreaks()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, backends: 1);
        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("one two three four", stream: true), r => r.Headers.Add(VllmTestFault.HeaderName, "stall;2"));
        using var body = await response.Content.ReadAsStreamAsync(Ct);
        var first = new byte[8];
        Assert.True(await body.ReadAsync(first, Ct) > 0);

        await bed.Backends[0].DisposeAsync(); // cuts the stalled stream off

        await Assert.ThrowsAnyAsync<IOException>(async () => await new StreamReader(body).ReadToEndAsync(Ct));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Forward_BackendGone_NextLiveBackendAnswers()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, backends: 2);
        await bed.Backends[0].DisposeAsync();

        for (var i = 0; i < 4; i++)
        {
            using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));
            Assert.Equal(200, (int)response.StatusCode);
        }

        Assert.All(bed.Router.Requests, r => Assert.Equal(1, r.Backend));
    }

    [Fact]
    public async Task ReplaceBackend_RestartedOnTheSamePort_TakesTrafficAgain()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe, backends: 2);
        var port = bed.Backends[0].RootUrl.Port;
        await bed.Backends[0].DisposeAsync();
        bed.Backends[0] = await VllmTestServer.StartAsync(new VllmTestServerOptions { Port = port }, Ct);
        bed.Router.ReplaceBackend(0, bed.Backends[0]);

        await bed.ChatAsync();
        await bed.ChatAsync();

        Assert.Single(bed.Backends[0].Requests);
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack)]
    [InlineData(VllmTestRouterMode.LlmD)]
    [InlineData(VllmTestRouterMode.VllmRouter)]
    [InlineData(VllmTestRouterMode.KServe)]
    public async Task VllmChatClient_ThroughEachRouter_GetsTheWholeAnswer(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        using var client = new VllmChatClient(new VllmProviderOptions { BaseUrl = bed.Router.BaseUrl, AllowPrivateNetwork = true }, "test-model");

        var response = await client.GetResponseAsync("hello router", cancellationToken: Ct);
        var streamed = await client.GetStreamingResponseAsync("hello router", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal("[test-model] echo: hello router", response.Text);
        Assert.Equal(response.Text, streamed.Text);
    }

    [Fact]
    public async Task Forward_ProductionStackHealthAndVersion_AreTheRoutersOwn()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack);

        using var health = await bed.Http.GetAsync("health", Ct);
        using var version = await bed.Http.GetAsync("version", Ct);

        Assert.Equal("""{"status":"healthy"}""", await health.Content.ReadAsStringAsync(Ct));
        Assert.Equal("""{"version":"0.1.12"}""", await version.Content.ReadAsStringAsync(Ct));
        Assert.All(bed.Backends, b => Assert.Empty(b.Requests));
    }
}
