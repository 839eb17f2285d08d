using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmProviderOptionsCopyTests
{
    [Fact]
    public void Clone_ChangedCopy_OriginalKeepsItsHeadersModelsAndRetry()
    {
        var original = new VllmProviderOptions { BaseUrl = new Uri("http://vllm.test:8000/v1"), LoggerFactory = NullLoggerFactory.Instance };
        original.Headers["X-Team"] = "search";
        original.Models.Add(new VllmModelDefinition { Id = "m1" });

        var copy = original.Clone();
        copy.Headers["X-Team"] = "other";
        copy.Headers["X-New"] = "1";
        copy.Models.Clear();
        copy.Retry.MaxAttempts = 1;
        copy.BaseUrl = new Uri("http://elsewhere.test/v1");

        Assert.Equal("search", original.Headers["X-Team"]);
        Assert.False(original.Headers.ContainsKey("X-New"));
        Assert.Equal("m1", Assert.Single(original.Models).Id);
        Assert.Equal(3, original.Retry.MaxAttempts);
        Assert.Equal(new Uri("http://vllm.test:8000/v1"), original.BaseUrl);
        Assert.Same(original.LoggerFactory, copy.LoggerFactory);
        Assert.True(copy.Headers.ContainsKey("x-team")); // header names stay case-insensitive
    }

    [Fact]
    public void Clone_OptionsFromConfiguration_CopyNamesTheSameSettingKeys()
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:Vllm:BaseUrl"] = "http://vllm.test:8000/v1" })
            .Build()
            .GetSection("Inference:Vllm");
        var options = VllmProviderOptions.FromConfiguration(section);

        Assert.Equal("Inference:Vllm:ApiKey", options.GetSettingKey("ApiKey"));
        Assert.Equal("Inference:Vllm:Retry:MaxAttempts", options.Clone().GetSettingKey("Retry:MaxAttempts"));
    }

    [Fact]
    public void GetSettingKey_OptionsBuiltInCode_BarePath()
        => Assert.Equal("Headers:X-Team", new VllmProviderOptions().GetSettingKey("Headers:X-Team"));

    [Fact]
    public void GetSettingKey_NullKey_Throws()
        => Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => new VllmProviderOptions().GetSettingKey(null!)).ParamName);
}
