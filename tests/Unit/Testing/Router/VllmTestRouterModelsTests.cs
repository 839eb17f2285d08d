using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

public sealed class VllmTestRouterModelsTests
{
    private static async Task<List<JsonObject>> CardsAsync(RouterTestBed bed)
    {
        using var response = await bed.Http.GetAsync(bed.ModelsPath.TrimStart('/'), Ct);
        Assert.Equal(200, (int)response.StatusCode);
        var list = await JsonAsync(response);
        Assert.Equal("list", Str(list["object"]));
        return list["data"]!.AsArray().Select(c => c!.AsObject()).ToList();
    }

    [Fact]
    public async Task Models_ProductionStack_UnionDeduplicatedWithEngineFields()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends());

        var cards = await CardsAsync(bed);

        Assert.Equal(["base-a", "sql-lora", "base-b"], cards.Select(c => Str(c["id"])));
        Assert.Equal(4096, Int(cards[0]["max_model_len"]));
        Assert.Equal("base-a", Str(cards[1]["parent"]));
    }

    [Fact]
    public async Task Models_ProductionStackBackendsWithKey_ListedWithoutTheClientsKey()
    {
        var backends = RouterTestBed.TwoDifferentBackends();
        backends[0].ApiKey = "sk-engine";
        backends[1].ApiKey = "sk-engine";
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, backends);

        var cards = await CardsAsync(bed);
        using var chat = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi", model: "base-a"));

        Assert.Equal(3, cards.Count);
        Assert.Equal(401, (int)chat.StatusCode);
    }

    [Fact]
    public async Task Models_ProductionStackStaticDiscovery_BaseModelsWithoutContextLength()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends(), o => o.KubernetesDiscovery = false);

        var cards = await CardsAsync(bed);

        Assert.Equal(["base-a", "base-b"], cards.Select(c => Str(c["id"])));
        Assert.All(cards, c => Assert.Equal(["id", "object", "created", "owned_by", "root", "parent"], Keys(c)));
    }

    [Fact]
    public async Task Models_ProductionStackBackendDown_LeftOutOfTheUnion()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack, RouterTestBed.TwoDifferentBackends());
        bed.Router.SetBackendAvailable(1, false);

        var cards = await CardsAsync(bed);

        Assert.Equal(["base-a", "sql-lora"], cards.Select(c => Str(c["id"])));
    }

    [Fact]
    public async Task Models_KServe_UnderPrefixWithoutContextLengthAndEmptyOwner()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe, RouterTestBed.TwoDifferentBackends());

        var cards = await CardsAsync(bed);

        Assert.EndsWith("/openai/v1", bed.Router.BaseUrl.AbsoluteUri, System.StringComparison.Ordinal);
        Assert.Equal(["base-a", "sql-lora", "base-b"], cards.Select(c => Str(c["id"])));
        Assert.All(cards, c => Assert.Equal(["id", "object", "created", "owned_by"], Keys(c)));
        Assert.All(cards, c => Assert.Equal(string.Empty, Str(c["owned_by"])));
    }

    [Fact]
    public async Task Models_VllmRouter_AlwaysTheFirstWorkersList()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter, RouterTestBed.TwoDifferentBackends());

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(["base-a", "sql-lora"], (await CardsAsync(bed)).Select(c => Str(c["id"])));
        }

        Assert.All(bed.Router.Requests, r => Assert.Equal(0, r.Backend));
    }

    [Fact]
    public async Task Models_LlmD_OneRandomReplicaPerCall()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.LlmD, RouterTestBed.TwoDifferentBackends());
        var lists = new HashSet<string>();

        for (var i = 0; i < 40 && lists.Count < 2; i++)
        {
            lists.Add(string.Join(',', (await CardsAsync(bed)).Select(c => Str(c["id"]))));
        }

        Assert.Equal(["base-a,base-b", "base-a,sql-lora"], lists.Order());
    }
}
