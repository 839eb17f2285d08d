using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Http;

/// <summary>The User-Agent every component sends, as the server sees it.</summary>
public sealed class VllmUserAgentTests
{
    /// <summary>What the header must be: the library's informational version without the "+commit" suffix, runtime, OS.</summary>
    private static string Expected()
    {
        var informational = typeof(VllmChatClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus > 0 ? informational[..plus] : informational;
        Assert.False(string.IsNullOrWhiteSpace(version));
        return $"Connectors.Vllm/{version} ({RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription})"
            .Replace('\r', ' ').Replace('\n', ' ');
    }

    [Fact]
    public async Task UserAgent_ChatEmbeddingsAndTokenize_NamesLibraryWithItsVersion()
    {
        var serverOptions = new VllmTestServerOptions();
        serverOptions.Models.Add(VllmTestModel.Chat("chat"));
        serverOptions.Models.Add(VllmTestModel.Embedding("embed"));
        await using var server = await VllmTestServer.StartAsync(serverOptions, TestContext.Current.CancellationToken);
        var options = new VllmProviderOptions
        {
            BaseUrl = server.BaseUrl,
            AllowPrivateNetwork = true,
            Retry = new VllmRetryOptions { MaxAttempts = 1 },
        };
        var ct = TestContext.Current.CancellationToken;

        using (var chat = new VllmChatClient(options, "chat"))
        {
            await chat.GetResponseAsync("Hello", cancellationToken: ct);
        }

        using (var embeddings = new VllmEmbeddingGenerator(options, "embed"))
        {
            await embeddings.GenerateAsync(["hello"], cancellationToken: ct);
        }

        using (var tokenizer = new VllmTokenizer(options, "chat"))
        {
            await tokenizer.CountTokensAsync("hello", ct);
        }

        var expected = Expected();
        Assert.Equal(["/v1/chat/completions", "/v1/embeddings", "/tokenize"], server.Requests.Select(r => r.Path));
        Assert.All(server.Requests, r => Assert.Equal(expected, r.Headers["User-Agent"]));
    }

    [Fact]
    public async Task UserAgent_ConfiguredHeaderOnTokenize_ConfiguredValueWins()
    {
        await using var server = await VllmTestServer.StartAsync(null, TestContext.Current.CancellationToken);
        var options = new VllmProviderOptions
        {
            BaseUrl = server.BaseUrl,
            AllowPrivateNetwork = true,
            Retry = new VllmRetryOptions { MaxAttempts = 1 },
        };
        options.Headers["User-Agent"] = "my-app/2.0";
        using var tokenizer = new VllmTokenizer(options);

        await tokenizer.CountTokensAsync("hello", TestContext.Current.CancellationToken);

        Assert.Equal("my-app/2.0", Assert.Single(server.Requests).Headers["User-Agent"]);
    }
}
