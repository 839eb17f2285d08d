using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Configuration;
using Connectors.Vllm.Http;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmEnvironmentTests
{
    private static readonly Dictionary<string, string> Env = new(StringComparer.Ordinal)
    {
        ["KEY"] = "sk-123",
        ["TEAM"] = "search",
    };

    private static string? Lookup(string name) => Env.GetValueOrDefault(name);

    [Theory]
    [InlineData("${KEY}", "sk-123")]
    [InlineData("prefix-${KEY}-${TEAM}", "prefix-sk-123-search")]
    [InlineData("plain", "plain")]
    [InlineData("$KEY", "$KEY")]
    [InlineData("%KEY%", "%KEY%")]
    [InlineData("~/key", "~/key")]
    [InlineData("$(KEY)", "$(KEY)")]
    public void Expand_Value_ReplacesOnlyDollarBraceNames(string value, string expected)
    {
        Assert.Equal(expected, VllmEnvironment.Expand(value, "ApiKey", Lookup));
    }

    [Fact]
    public void Expand_Null_ReturnsNull()
    {
        Assert.Null(VllmEnvironment.Expand(null, "ApiKey", Lookup));
    }

    [Fact]
    public void Expand_UnsetVariable_ThrowsNamingVariableAndSetting()
    {
        var ex = Assert.Throws<VllmException>(() => VllmEnvironment.Expand("${NOT_SET_ANYWHERE}", "Vllm:Headers:X-Team", Lookup));

        Assert.Contains("NOT_SET_ANYWHERE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Vllm:Headers:X-Team", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${KEY")]
    [InlineData("${}")]
    public void Expand_Malformed_Throws(string value)
    {
        Assert.Throws<VllmException>(() => VllmEnvironment.Expand(value, "ApiKey", Lookup));
    }

    [Fact]
    public void ApplyHeaders_ApiKey_SentOnlyAsAuthorizationBearer()
    {
        var options = new VllmProviderOptions { ApiKey = "sk-only-bearer" };
        options.Headers["X-Team"] = "search";
        options.Headers["Authorization"] = "Basic c29tZW9uZQ==";
        var endpoint = VllmEndpoint.Resolve(options);
        using var message = System.ClientModel.Primitives.ClientPipeline.Create().CreateMessage();
        var headers = message.Request.Headers;

        endpoint.ApplyHeaders(headers);

        Assert.True(headers.TryGetValue("Authorization", out var authorization));
        Assert.Equal("Bearer sk-only-bearer", authorization);
        var carryingKey = headers.Where(h => h.Value.Contains("sk-only-bearer", StringComparison.Ordinal)).Select(h => h.Key).ToArray();
        Assert.Equal(["Authorization"], carryingKey);
        Assert.True(headers.TryGetValue("X-Team", out var team));
        Assert.Equal("search", team);
    }

    [Fact]
    public async Task Resolve_PlaceholdersOutsideKeyAndHeaderValues_StayLiteral()
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://203.0.113.10:8000/v1") };
        options.Models.Add(new VllmModelDefinition { Id = "${MODEL}", Name = "${NAME}" });
        using var discovery = new VllmModelDiscovery(options, new HttpClient(InMemoryHandler.Answering("{}")));

        var model = Assert.Single(await discovery.GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("${MODEL}", model.Id);
        Assert.Equal("${NAME}", model.Name);
    }

    [Fact]
    public void Validate_PlaceholderInAHeaderName_NotExpandedAndRefusedAsAName()
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://203.0.113.10:8000/v1") };
        options.Headers["X-${TEAM}"] = "fixed";

        var ex = Assert.Throws<VllmException>(options.Validate);

        Assert.Contains("Headers: 'X-${TEAM}' is not a valid header name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_WithApiKey_DoesNotShowKey()
    {
        var options = new VllmProviderOptions { ApiKey = "sk-secret-value" };

        Assert.DoesNotContain("sk-secret-value", options.ToString(), StringComparison.Ordinal);
    }
}
