using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>vLLM sampling extras: top_k, min_p, seed.</content>
public abstract partial class VllmIntegrationTests
{
    [Fact]
    public async Task GetResponseAsync_TopKMinPAndSeed_AcceptedAndSentAsVllmFields()
    {
        Require(Kind.Capabilities.TopKMinP, "the server does not accept vLLM's top_k / min_p.");
        using var client = CreateChatClient();
        var options = ShortAnswer().WithTopK(20).WithMinP(0.05f);
        options.Seed = 42;
        options.Temperature = 0.7f;

        var response = await client.GetResponseAsync(Ask("Name a colour."), options, Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        if (Kind.TestServer is not null)
        {
            // The strict test server would have answered 400 to a field vLLM does not take; here we also see the values.
            var body = LastRequestBody("/v1/chat/completions");
            Assert.Equal(20, body.GetProperty("top_k").GetInt32());
            Assert.Equal(0.05, body.GetProperty("min_p").GetDouble(), 3);
            Assert.Equal(42, body.GetProperty("seed").GetInt64());
        }
    }

    [Fact]
    public async Task GetResponseAsync_SameSeedTwice_SameText()
    {
        Require(Kind.Capabilities.SeedReproducible, "the server does not promise the same text for the same seed.");
        using var client = CreateChatClient();
        ChatOptions Sampled()
        {
            var options = ShortAnswer(32);
            options.Temperature = 1.0f;
            options.Seed = 1234;
            return options;
        }

        var first = await client.GetResponseAsync(Ask("Invent a name for a cat."), Sampled(), Ct);
        var second = await client.GetResponseAsync(Ask("Invent a name for a cat."), Sampled(), Ct);

        Assert.Equal(first.Text, second.Text);
    }
}
