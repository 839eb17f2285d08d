using System;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary><see cref="VllmProviderOptions.ToolCallRecovery"/>: its default, configuration binding by name and validation.</summary>
public sealed class ToolCallRecoveryOptionsTests
{
    [Fact]
    public void ToolCallRecovery_NotSet_Warn()
    {
        Assert.Equal(VllmToolCallRecovery.Warn, new VllmProviderOptions().ToolCallRecovery);
        Assert.Equal(VllmToolCallRecovery.Warn, VllmProviderOptions.FromConfiguration(VllmProviderOptionsConfigurationTests.Section("""{"Vllm":{}}""")).ToolCallRecovery);
    }

    [Theory]
    [InlineData("Recover", VllmToolCallRecovery.Recover)]
    [InlineData("off", VllmToolCallRecovery.Off)]
    [InlineData(" WARN ", VllmToolCallRecovery.Warn)]
    public void FromConfiguration_ToolCallRecoveryName_Bound(string value, VllmToolCallRecovery expected)
    {
        var options = VllmProviderOptions.FromConfiguration(VllmProviderOptionsConfigurationTests.Section($$$"""{"Vllm":{"ToolCallRecovery":"{{{value}}}"}}"""));

        Assert.Equal(expected, options.ToolCallRecovery);
    }

    [Theory]
    [InlineData("Fix")]
    [InlineData("2")]
    public void FromConfiguration_ToolCallRecoveryUnknown_ProblemNamesKeyAndValues(string value)
    {
        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(VllmProviderOptionsConfigurationTests.Section($$$"""{"Vllm":{"ToolCallRecovery":"{{{value}}}"}}""")));

        Assert.Contains($"Vllm:ToolCallRecovery: '{value}' is not one of Off, Warn, Recover.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ToolCallRecoveryUndefined_ProblemNamesSetting()
    {
        var options = new VllmProviderOptions { ToolCallRecovery = (VllmToolCallRecovery)7 };

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains("ToolCallRecovery: 7 is not one of Off, Warn, Recover.", ex.Message, StringComparison.Ordinal);
    }
}
