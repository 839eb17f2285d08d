using System;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmModelRefTests
{
    [Theory]
    [InlineData("vllm/Qwen/Qwen3-8B", "Qwen/Qwen3-8B")]
    [InlineData("vllm/sql-lora", "sql-lora")]
    [InlineData("VLLM/meta-llama/Llama-3.2-3B-Instruct", "meta-llama/Llama-3.2-3B-Instruct")]
    public void Parse_VllmRef_SplitsAtFirstSlash(string text, string modelId)
    {
        var parsed = VllmModelRef.Parse(text);

        Assert.Equal("vllm", parsed.Provider);
        Assert.Equal(modelId, parsed.ModelId);
        Assert.Equal($"vllm/{modelId}", parsed.ToString());
    }

    [Theory]
    [InlineData("openai/gpt-4o", "openai")]
    [InlineData("ollama/Qwen/Qwen3-8B", "ollama")]
    public void Parse_OtherProvider_ThrowsNamingIt(string text, string provider)
    {
        var ex = Assert.Throws<FormatException>(() => VllmModelRef.Parse(text));

        Assert.Contains($"'{provider}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Qwen3-8B")]
    [InlineData("vllm/")]
    [InlineData("/Qwen3-8B")]
    [InlineData("")]
    public void Parse_NotARef_Throws(string text)
    {
        Assert.Throws<FormatException>(() => VllmModelRef.Parse(text));
    }

    [Fact]
    public void Parse_Null_ThrowsWithParamName()
    {
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => VllmModelRef.Parse(null!)).ParamName);
    }

    [Theory]
    [InlineData("vllm/Qwen/Qwen3-8B", "Qwen/Qwen3-8B")]
    [InlineData("Qwen/Qwen3-8B", "Qwen/Qwen3-8B")]
    public void ToModelId_RefOrId_ReturnsServerId(string text, string expected)
    {
        Assert.Equal(expected, VllmModelRef.ToModelId(text));
    }
}
