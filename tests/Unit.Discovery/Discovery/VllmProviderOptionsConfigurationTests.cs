using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Connectors.Vllm.Http;
using Connectors.Vllm.Configuration;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmProviderOptionsConfigurationTests
{
    internal static IConfigurationSection Section(string json)
        => new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build()
            .GetSection("Vllm");

    private static IConfigurationSection FullSection()
        => Section(TestFiles.Read("appsettings.full.json"));

    [Fact]
    public void FromConfiguration_FullSection_BindsEveryProperty()
    {
        var options = VllmProviderOptions.FromConfiguration(FullSection());

        Assert.Equal(new Uri("http://10.0.0.5:8001/v1"), options.BaseUrl);
        Assert.Equal("${TEST_VLLM_KEY}", options.ApiKey); // expanded when a client is built, not here
        Assert.Equal("openai-completions", options.Api);
        Assert.True(options.AllowPrivateNetwork);
        Assert.False(options.SendMessageNames);
        Assert.Equal(2, options.Headers.Count);
        Assert.Equal("search", options.Headers["X-Team"]);
        Assert.Equal("${TEST_TRACE}", options.Headers["x-trace"]);
        Assert.Equal("x-user-id", options.SessionHeaderName);
        Assert.Equal("x-session-token, x-session-token-prefill", options.StickyResponseHeader);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), options.StreamIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DiscoveryCacheTtl);
        Assert.Equal(1048576, options.MaxSseLineBytes);
        Assert.Equal(33554432L, options.MaxResponseBytes);
        Assert.Equal(65536, options.MaxModelsBodyBytes);
        Assert.Equal(8388608L, options.MaxInlineMediaBytes);
        Assert.Equal(5, options.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(40), options.Retry.MaxTotalTime);

        Assert.Equal(2, options.Models.Count);
        var qwen = options.Models[0];
        Assert.Equal("Qwen/Qwen3-8B", qwen.Id);
        Assert.Equal("Local Qwen", qwen.Name);
        Assert.True(qwen.Reasoning);
        Assert.Equal(["text", "image"], qwen.Input);
        Assert.True(qwen.Tools);
        Assert.NotNull(qwen.Cost);
        Assert.Equal(0.5m, qwen.Cost.Input);
        Assert.Equal(1.25m, qwen.Cost.Output);
        Assert.Equal(0.05m, qwen.Cost.CacheRead);
        Assert.Equal(0.75m, qwen.Cost.CacheWrite);
        Assert.Equal(32768, qwen.ContextWindow);
        Assert.Equal(8192, qwen.MaxTokens);
        Assert.Null(qwen.Parent);
        Assert.Null(qwen.Root);

        var lora = options.Models[1];
        Assert.Equal("sql-lora", lora.Id);
        Assert.Null(lora.Name);
        Assert.False(lora.Reasoning);
        Assert.False(lora.Tools);
        Assert.Equal(["text"], lora.Input);
        Assert.Null(lora.Cost);
        Assert.Null(lora.ContextWindow);
        Assert.Null(lora.MaxTokens);
        Assert.Equal("Qwen/Qwen3-8B", lora.Parent);
        Assert.Equal("/adapters/sql", lora.Root);
    }

    [Fact]
    public void FromConfiguration_EmptySection_KeepsDefaults()
    {
        var options = VllmProviderOptions.FromConfiguration(Section("{}"));
        var defaults = new VllmProviderOptions();

        Assert.Equal(VllmProviderOptions.DefaultBaseUrl, options.BaseUrl);
        Assert.Null(options.ApiKey);
        Assert.Equal(VllmProviderOptions.OpenAICompletionsApi, options.Api);
        Assert.False(options.AllowPrivateNetwork);
        Assert.Empty(options.Headers);
        Assert.Empty(options.Models);
        Assert.Equal(defaults.ConnectTimeout, options.ConnectTimeout);
        Assert.Equal(defaults.FirstByteTimeout, options.FirstByteTimeout);
        Assert.Equal(defaults.StreamIdleTimeout, options.StreamIdleTimeout);
        Assert.Equal(defaults.DiscoveryCacheTtl, options.DiscoveryCacheTtl);
        Assert.Equal(defaults.MaxModelsBodyBytes, options.MaxModelsBodyBytes);
        Assert.Equal(defaults.Retry.MaxAttempts, options.Retry.MaxAttempts);
    }

    [Fact]
    public void FromConfiguration_UndeclaredCapabilities_StayNull()
    {
        var options = VllmProviderOptions.FromConfiguration(Section("""{"Vllm":{"Models":[{"Id":"Qwen/Qwen3-VL-8B-Instruct"}]}}"""));

        var model = Assert.Single(options.Models);
        Assert.Equal("Qwen/Qwen3-VL-8B-Instruct", model.Id);
        Assert.Null(model.Reasoning); // never guessed from the id
        Assert.Null(model.Tools);
        Assert.Null(model.Input);
        Assert.Null(model.ContextWindow);
        Assert.Null(model.MaxTokens);
    }

    [Fact]
    public void FromConfiguration_UnreadableValues_ListsEveryKeyInOneException()
    {
        var section = Section("""
            {"Vllm":{"BaseUrl":"not a url","AllowPrivateNetwork":"yes","ConnectTimeout":"soon",
              "Models":[{"Id":"a","ContextWindow":"big"}],"Retry":{"MaxAttempts":"many"}}}
            """);

        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(section));

        Assert.Contains("Vllm:BaseUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:AllowPrivateNetwork", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:ConnectTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:Models:0:ContextWindow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:Retry:MaxAttempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(5 problems)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_UnsupportedApi_IsConfigurationError()
    {
        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(Section("""{"Vllm":{"Api":"openai-responses"}}""")));

        Assert.Contains("'openai-responses' is not supported", ex.Message, StringComparison.Ordinal);
        Assert.Contains("openai-completions", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-session-token,x-session-token", "'x-session-token' is listed more than once")]
    [InlineData("x-session-token, X-Session-Token", "'X-Session-Token' is listed more than once")]
    [InlineData("x-session-token,", "has an empty entry")]
    [InlineData("x-session-token,,x-session-token-prefill", "has an empty entry")]
    [InlineData("x-session-token, ,x-session-token-prefill", "has an empty entry")]
    [InlineData("x-session-token,bad name", "'bad name' is not a valid header name")]
    [InlineData("x-session-token,X-Request-Id", "'X-Request-Id' is reserved")]
    public void FromConfiguration_BadStickyResponseHeaderList_NamesTheKey(string value, string problem)
    {
        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(Section($$$"""{"Vllm":{"StickyResponseHeader":"{{{value}}}"}}""")));

        Assert.Contains("(1 problem)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:StickyResponseHeader: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_StickyResponseHeaderAsArray_NamesTheKey()
    {
        var section = Section("""{"Vllm":{"StickyResponseHeader":["x-session-token","x-session-token-prefill"]}}""");

        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(section));

        Assert.Contains("Vllm:StickyResponseHeader: must be text", ex.Message, StringComparison.Ordinal);
        Assert.Contains("x-session-token,x-session-token-prefill", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_InvalidModelEntries_ThrowsWithValidationProblems()
    {
        var section = Section("""{"Vllm":{"Models":[{"Id":"a","ContextWindow":1024,"MaxTokens":4096},{"Id":"a"}]}}""");

        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(section));

        Assert.Contains("Models:0:MaxTokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a' is listed more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_EnvPlaceholders_ExpandedWhenEndpointIsResolved()
    {
        var options = VllmProviderOptions.FromConfiguration(FullSection());
        var env = new Dictionary<string, string> { ["TEST_VLLM_KEY"] = "sk-test", ["TEST_TRACE"] = "t-1" };

        var key = VllmEnvironment.Expand(options.ApiKey, "ApiKey", env.GetValueOrDefault);
        var trace = VllmEnvironment.Expand(options.Headers["X-Trace"], "Headers:X-Trace", env.GetValueOrDefault);

        Assert.Equal("sk-test", key);
        Assert.Equal("t-1", trace);
    }

    [Fact]
    public void FromConfiguration_InputAsSingleValue_IsOneEntry()
    {
        var options = VllmProviderOptions.FromConfiguration(Section("""{"Vllm":{"Models":[{"Id":"m","Input":"text"}]}}"""));

        Assert.Equal(["text"], Assert.Single(options.Models).Input);
    }

    [Fact]
    public void FromConfiguration_InvalidSettingsOfEveryKind_EveryKeyIsTheSectionsFullPath()
    {
        var section = Section("""
            {"Vllm":{"BaseUrl":"ftp://vllm.test/v1","Api":"openai-responses","Headers":{"Authorization":"Bearer x"},
              "Models":[{"Id":"a","ContextWindow":8192,"MaxTokens":9000},{"Id":"a","Cost":{"Input":-1}}],
              "ConnectTimeout":"-00:00:01","DiscoveryCacheTtl":"-00:00:01","MaxSseLineBytes":0,
              "Retry":{"MaxAttempts":0,"BaseDelay":"00:00:02","MaxDelay":"00:00:01"}}}
            """);

        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(section));

        var lines = ex.Message.Split(Environment.NewLine)[1..];
        Assert.Equal(
            [
                " - Vllm:BaseUrl: the scheme 'ftp' is not supported; use http or https.",
                " - Vllm:Api: 'openai-responses' is not supported; the only supported value is 'openai-completions'.",
                " - Vllm:Headers:Authorization: set Vllm:ApiKey instead; the key is sent only as Authorization: Bearer.",
                " - Vllm:Models:0:MaxTokens: 9000 is larger than ContextWindow (8192).",
                " - Vllm:Models:1:Id: 'a' is listed more than once.",
                " - Vllm:Models:1:Cost: costs must not be negative.",
                " - Vllm:ConnectTimeout: -00:00:01 must be positive.",
                " - Vllm:DiscoveryCacheTtl: -00:00:01 is negative; use 00:00:00 to turn the cache off.",
                " - Vllm:MaxSseLineBytes: 0 must be positive.",
                " - Vllm:Retry:MaxAttempts: 0 must be at least 1 (1 turns retries off).",
                " - Vllm:Retry:MaxDelay: 00:00:01 must not be less than Vllm:Retry:BaseDelay (00:00:02).",
            ],
            lines);
    }

    [Fact]
    public void FromConfiguration_NestedSection_KeysUseThatSectionsPath()
    {
        var section = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""{"Ai":{"Local":{"AllowPrivateNetwork":"yes","Models":[{"Id":"m","MaxTokens":0}]}}}""")))
            .Build()
            .GetSection("Ai:Local");

        var ex = Assert.Throws<VllmException>(() => VllmProviderOptions.FromConfiguration(section));

        Assert.Equal(
            [" - Ai:Local:AllowPrivateNetwork: 'yes' is not true or false.", " - Ai:Local:Models:0:MaxTokens: 0 must be positive."],
            ex.Message.Split(Environment.NewLine)[1..]);
    }

    [Fact]
    public void FromConfiguration_UnsetPlaceholderInApiKey_ErrorNamesTheFullKey()
    {
        var options = VllmProviderOptions.FromConfiguration(Section("""{"Vllm":{"ApiKey":"${CONNECTORS_VLLM_TEST_NEVER_SET_1F3A}"}}"""));

        var ex = Assert.Throws<VllmException>(() => VllmEndpoint.Resolve(options));

        Assert.StartsWith("Configuration error in Vllm:ApiKey: the environment variable CONNECTORS_VLLM_TEST_NEVER_SET_1F3A is not set.", ex.Message, StringComparison.Ordinal);
    }
}
