using System;
using System.Collections.Generic;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmProviderOptionsEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }

        return map.GetValueOrDefault;
    }

    [Fact]
    public void FromEnvironment_NoApiKey_ReturnsNull()
    {
        Assert.Null(VllmProviderOptions.FromEnvironment(Env(("VLLM_BASE_URL", "http://10.0.0.5:8000/v1"))));
    }

    [Fact]
    public void FromEnvironment_EmptyApiKey_ReturnsNull()
    {
        Assert.Null(VllmProviderOptions.FromEnvironment(Env(("VLLM_API_KEY", string.Empty))));
    }

    [Fact]
    public void FromEnvironment_ApiKeySet_ImplicitProviderWithDiscovery()
    {
        var options = VllmProviderOptions.FromEnvironment(Env(("VLLM_API_KEY", "EMPTY")));

        Assert.NotNull(options);
        Assert.Equal("EMPTY", options.ApiKey);
        Assert.Equal(VllmProviderOptions.DefaultBaseUrl, options.BaseUrl);
        Assert.Empty(options.Models); // implicit: models are discovered
        Assert.False(options.AllowPrivateNetwork);
        options.Validate();
    }

    [Fact]
    public void FromEnvironment_BaseUrlSet_OverridesBaseUrl()
    {
        var options = VllmProviderOptions.FromEnvironment(Env(("VLLM_API_KEY", "k"), ("VLLM_BASE_URL", "https://vllm.example.com/v1")));

        Assert.Equal(new Uri("https://vllm.example.com/v1"), options?.BaseUrl);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://vllm.example.com/v1")]
    public void FromEnvironment_BadBaseUrl_ThrowsNamingVariable(string value)
    {
        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromEnvironment(Env(("VLLM_API_KEY", "k"), ("VLLM_BASE_URL", value))));

        Assert.Contains("VLLM_BASE_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_ExplicitModels_AreUsedAsWritten()
    {
        var options = VllmProviderOptions.FromConfiguration(VllmProviderOptionsConfigurationTests.Section("""{"Vllm":{"Models":[{"Id":"m1","ContextWindow":4096}]}}"""));

        var model = Assert.Single(options.Models);
        Assert.Equal("m1", model.Id);
        Assert.Equal(4096, model.ContextWindow);
    }
}
