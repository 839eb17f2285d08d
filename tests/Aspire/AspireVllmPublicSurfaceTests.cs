using System.Linq;
using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Connectors.Vllm.Aspire.Tests;

/// <summary>The package's public surface is the pinned names, in the namespace Aspire apps already import.</summary>
public sealed class AspireVllmPublicSurfaceTests
{
    private static readonly Assembly Package = typeof(VllmClientSettings).Assembly;

    [Fact]
    public void ExportedTypes_AreTheSettingsAndTheExtensions_InMicrosoftExtensionsHosting()
    {
        Assert.Equal(
            ["Microsoft.Extensions.Hosting.AspireVllmExtensions", "Microsoft.Extensions.Hosting.VllmClientSettings"],
            Package.GetExportedTypes().Select(t => t.FullName).Order());
    }

    [Fact]
    public void VllmClientSettings_HasThePinnedProperties()
    {
        Assert.Equal(
            ["AllowPrivateNetwork", "DisableHealthChecks", "DisableMetrics", "DisableTracing", "EnableSensitiveTelemetryData", "Endpoint", "Key", "Model"],
            typeof(VllmClientSettings).GetProperties().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("AddVllmChatClient", "connectionName", typeof(ChatClientBuilder))]
    [InlineData("AddKeyedVllmChatClient", "name", typeof(ChatClientBuilder))]
    [InlineData("AddVllmEmbeddingGenerator", "connectionName", typeof(EmbeddingGeneratorBuilder<string, Embedding<float>>))]
    [InlineData("AddKeyedVllmEmbeddingGenerator", "name", typeof(EmbeddingGeneratorBuilder<string, Embedding<float>>))]
    public void Method_OnIHostApplicationBuilder_HasThePinnedShape(string name, string nameParameter, System.Type returns)
    {
        var method = Assert.Single(typeof(AspireVllmExtensions).GetMethods(), m => m.Name == name);

        Assert.Equal(returns, method.ReturnType);
        Assert.Equal(
            [(typeof(IHostApplicationBuilder), "builder"), (typeof(string), nameParameter), (typeof(System.Action<VllmClientSettings>), "configure")],
            method.GetParameters().Select(p => (p.ParameterType, p.Name!)));
        Assert.True(method.GetParameters()[2].HasDefaultValue);
    }
}
