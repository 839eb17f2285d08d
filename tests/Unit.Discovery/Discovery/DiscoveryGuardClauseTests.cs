using System;
using System.Threading.Tasks;
using Connectors.Vllm.Health;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class DiscoveryGuardClauseTests
{
    [Fact]
    public void VllmModelDiscovery_NullOptions_Throws()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmModelDiscovery(null!)).ParamName);

    [Fact]
    public async Task FindModelAsync_NullId_Throws()
    {
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions());
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => discovery.FindModelAsync(null!, TestContext.Current.CancellationToken));
        Assert.Equal("modelId", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GetChatClientMetadataAsync_EmptyId_Throws(string modelId)
    {
        using var discovery = new VllmModelDiscovery(new VllmProviderOptions());
        Assert.Equal("modelId", Assert.Throws<ArgumentException>(() => { _ = discovery.GetChatClientMetadataAsync(modelId, TestContext.Current.CancellationToken); }).ParamName);
    }

    [Fact]
    public void VllmHealthProbe_NullOptions_Throws()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new VllmHealthProbe(null!)).ParamName);

    [Fact]
    public void VllmHealthCheck_NullProbe_Throws()
        => Assert.Equal("probe", Assert.Throws<ArgumentNullException>(() => new VllmHealthCheck(null!)).ParamName);

    [Fact]
    public async Task CheckHealthAsync_NullContext_Throws()
    {
        using var probe = new VllmHealthProbe(new VllmProviderOptions());
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => new VllmHealthCheck(probe).CheckHealthAsync(null!, TestContext.Current.CancellationToken));
        Assert.Equal("context", ex.ParamName);
    }

    [Fact]
    public void AddVllm_NullBuilder_Throws()
        => Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => VllmHealthChecksBuilderExtensions.AddVllm(null!, new VllmProviderOptions())).ParamName);

    [Fact]
    public void AddVllm_NullOptions_Throws()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddHealthChecks().AddVllm(null!)).ParamName);

    [Fact]
    public void AddVllm_NullName_Throws()
        => Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddHealthChecks().AddVllm(new VllmProviderOptions(), name: null!)).ParamName);

    [Fact]
    public void FromConfiguration_NullSection_Throws()
        => Assert.Equal("section", Assert.Throws<ArgumentNullException>(() => VllmProviderOptions.FromConfiguration(null!)).ParamName);

    [Fact]
    public void CreatePrimaryHandler_NullOptions_Throws()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => VllmHttpHandler.CreatePrimaryHandler(null!)).ParamName);

    [Fact]
    public void VllmServerInfo_NullBaseUrl_Throws()
        => Assert.Equal("baseUrl", Assert.Throws<ArgumentNullException>(() => new VllmServerInfo(null!, "0.27.1")).ParamName);
}
