using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerAuthTests
{
    private const string Key = "sk-test-123";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic sk-test-123")]
    [InlineData("Bearer  sk-test-123")]
    public async Task GuardedPath_WithoutTheRightBearer_Is401(string? authorization)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key }, Ct);
        using var client = Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"Unauthorized"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task GuardedPath_WithTheKey_IsServedWhateverTheSchemeCase(string scheme)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key }, Ct);
        using var client = Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + Key);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownGuardedPath_WithoutKey_Is401BeforeRouting()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key }, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync("v1/foo", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("version")]
    [InlineData("metrics")]
    [InlineData("load")]
    public async Task UnguardedPath_WithoutKey_IsServed(string path)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key }, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Tokenize_WithoutKey_IsServed()
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key }, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/tokenize", """{"prompt":"hi"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("0.27.1", "v2/unknown", HttpStatusCode.Unauthorized)]
    [InlineData("0.21.0", "v2/unknown", HttpStatusCode.NotFound)]
    [InlineData("0.27.1", "inference/v1/generate", HttpStatusCode.Unauthorized)]
    [InlineData("0.27.1", "cohere/v2/chat", HttpStatusCode.Unauthorized)]
    public async Task V2InferenceCohere_AreGuardedFromTheVersionThatAddedThem(string version, string path, HttpStatusCode expected)
    {
        await using var server = await VllmTestServer.StartAsync(new VllmTestServerOptions { ApiKey = Key, ServerVersion = version }, Ct);
        using var client = Client(server);

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task NoApiKey_GuardedPathsAreOpen()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");

        using var response = await client.GetAsync("v1/models", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
