using System;
using System.Threading;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmProviderOptionsValidationTests
{
    [Fact]
    public void Validate_Defaults_Passes()
    {
        var options = new VllmProviderOptions();

        options.Validate();

        Assert.Empty(options.GetProblems());
    }

    [Fact]
    public void Validate_InfiniteTimeouts_Passes()
    {
        var options = new VllmProviderOptions { FirstByteTimeout = Timeout.InfiniteTimeSpan, StreamIdleTimeout = Timeout.InfiniteTimeSpan, DiscoveryCacheTtl = TimeSpan.Zero };

        options.Validate();

        Assert.Empty(options.GetProblems());
    }

    public static TheoryData<string, Action<VllmProviderOptions>, string> Problems => new()
    {
        { "relative url", o => o.BaseUrl = new Uri("/v1", UriKind.Relative), "BaseUrl: '/v1' is not an absolute URL" },
        { "ftp scheme", o => o.BaseUrl = new Uri("ftp://host/v1"), "the scheme 'ftp' is not supported" },
        { "credentials in url", o => o.BaseUrl = new Uri("http://user:pw@host/v1"), "must not contain a user name or password" },
        { "unsupported api", o => o.Api = "anthropic-messages", "Api: 'anthropic-messages' is not supported" },
        { "duplicate ids", o => { o.Models.Add(new() { Id = "m" }); o.Models.Add(new() { Id = "m" }); }, "'m' is listed more than once" },
        { "missing id", o => o.Models.Add(new()), "Models:0:Id" },
        { "negative window", o => o.Models.Add(new() { Id = "m", ContextWindow = -1 }), "Models:0:ContextWindow: -1 must be positive" },
        { "zero max tokens", o => o.Models.Add(new() { Id = "m", MaxTokens = 0 }), "Models:0:MaxTokens: 0 must be positive" },
        { "max tokens over window", o => o.Models.Add(new() { Id = "m", ContextWindow = 100, MaxTokens = 101 }), "101 is larger than ContextWindow (100)" },
        { "negative cost", o => o.Models.Add(new() { Id = "m", Cost = new() { Output = -1 } }), "costs must not be negative" },
        { "authorization header", o => o.Headers["Authorization"] = "Bearer x", "set ApiKey instead" },
        { "zero connect timeout", o => o.ConnectTimeout = TimeSpan.Zero, "ConnectTimeout" },
        { "negative first byte timeout", o => o.FirstByteTimeout = TimeSpan.FromSeconds(-5), "FirstByteTimeout" },
        { "zero idle timeout", o => o.StreamIdleTimeout = TimeSpan.Zero, "StreamIdleTimeout" },
        { "negative ttl", o => o.DiscoveryCacheTtl = TimeSpan.FromSeconds(-1), "DiscoveryCacheTtl" },
        { "zero sse line", o => o.MaxSseLineBytes = 0, "MaxSseLineBytes: 0 must be positive" },
        { "zero response", o => o.MaxResponseBytes = 0, "MaxResponseBytes: 0 must be positive" },
        { "zero inline media", o => o.MaxInlineMediaBytes = 0, "MaxInlineMediaBytes: 0 must be positive" },
        { "negative models body", o => o.MaxModelsBodyBytes = -1, "MaxModelsBodyBytes: -1 must be positive" },
        { "zero attempts", o => o.Retry.MaxAttempts = 0, "Retry:MaxAttempts" },
        { "max delay below base", o => { o.Retry.BaseDelay = TimeSpan.FromSeconds(2); o.Retry.MaxDelay = TimeSpan.FromSeconds(1); }, "Retry:MaxDelay" },
        { "zero total time", o => o.Retry.MaxTotalTime = TimeSpan.Zero, "Retry:MaxTotalTime" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Validate_Problem_ThrowsNamingIt(string scenario, Action<VllmProviderOptions> breakIt, string expected)
    {
        var options = new VllmProviderOptions();
        breakIt(options);

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{scenario}: '{ex.Message}' lacks '{expected}'");
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOneInOneException()
    {
        var options = new VllmProviderOptions { Api = "x", ConnectTimeout = TimeSpan.Zero, MaxModelsBodyBytes = 0 };
        options.Models.Add(new() { Id = "m", ContextWindow = 10, MaxTokens = 20 });

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains("(4 problems)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Api:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectTimeout:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxModelsBodyBytes:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Models:0:MaxTokens:", ex.Message, StringComparison.Ordinal);
    }
}
