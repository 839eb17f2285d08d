using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Discovery, metadata and the health row.</content>
public abstract partial class VllmIntegrationTests
{
    [Fact]
    public async Task GetModelsAsync_Server_ListsChatModelWithItsContextWindow()
    {
        RequireKind();
        using var discovery = new VllmModelDiscovery(Kind.Options);

        var models = await discovery.GetModelsAsync(Ct);

        var chat = Assert.Single(models, m => m.Id == Kind.ChatModel);
        if (Kind.Capabilities.ContextWindowInModels)
        {
            Assert.True(chat.ContextWindow > 0, "max_model_len became the context window");
        }

        var metadata = await discovery.GetChatClientMetadataAsync(Kind.ChatModel, Ct);
        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(Kind.ChatModel, metadata.DefaultModelId);
    }

    [Fact]
    public async Task GetServerInfoAsync_Server_ReportsItsVersion()
    {
        Require(Kind.Capabilities.VersionEndpoint, "the server has no vLLM /version route.");
        using var discovery = new VllmModelDiscovery(Kind.Options);

        var info = await discovery.GetServerInfoAsync(Ct);

        Assert.NotNull(info.Version);
        if (Kind.ExpectedVersion is { } expected)
        {
            Assert.Equal(expected, info.VersionText);
        }
    }

    [Fact]
    public void GetService_ChatClientMetadata_SaysVllmAndTheModel()
    {
        RequireKind();
        using var client = CreateChatClient();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal(Kind.ChatModel, metadata.DefaultModelId);
        Assert.Equal(Kind.Options.BaseUrl.AbsoluteUri.TrimEnd('/'), metadata.ProviderUri?.AbsoluteUri.TrimEnd('/'));
    }

    [Fact]
    public async Task ProbeAsync_RunningServer_ReportsHealthyRow()
    {
        RequireKind();
        using var probe = new VllmHealthProbe(Kind.Options);

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
        Assert.True(report.Reachable);
        Assert.True(report.AuthOk);
        Assert.True(report.PrivateNetworkApproved, report.PrivateNetworkReason);
        Assert.Contains(Kind.ChatModel, report.ModelIds);
        Assert.Equal(report.ModelIds.Count, report.ModelsDiscovered);
        if (Kind.Capabilities.VersionEndpoint && Kind.ExpectedVersion is not null)
        {
            Assert.Equal(Kind.ExpectedVersion, report.ServerVersion);
        }
    }

    [Fact]
    public async Task ProbeAsync_WrongApiKey_ReportsAuthProblemNamingTheSetting()
    {
        Require(Kind.Capabilities.EnforcesApiKey, "the server does not enforce an API key (start vLLM with --api-key and set VLLM_API_KEY).");
        Require(Kind.Capabilities.ModelsCheckApiKey, "the router answers /v1/models from its own discovery without checking the client's key.");
        using var probe = new VllmHealthProbe(WithKey("wrong-key-for-the-test"));

        var report = await probe.ProbeAsync(Ct);

        Assert.True(report.Reachable);
        Assert.False(report.AuthOk);
        Assert.False(report.IsHealthy);
        var problem = Assert.Single(report.Problems, p => p.Contains("VLLM_API_KEY", System.StringComparison.Ordinal));
        Assert.DoesNotContain("wrong-key-for-the-test", problem, System.StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-for-the-test", report.ToString(), System.StringComparison.Ordinal);
    }

    private VllmProviderOptions WithKey(string? key) => new()
    {
        BaseUrl = Kind.Options.BaseUrl,
        ApiKey = key,
        AllowPrivateNetwork = Kind.Options.AllowPrivateNetwork,
    };
}
