using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.DependencyInjection;

public sealed class VllmServiceCollectionExtensionsTests : IAsyncLifetime
{
    private VllmTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat("chat-model"));
        options.Models.Add(VllmTestModel.Embedding("embed-model", dimensions: 64));
        _server = await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private VllmProviderOptions Options() => new() { BaseUrl = _server.BaseUrl, AllowPrivateNetwork = true };

    [Fact]
    public async Task AddVllmChatClient_Resolved_AnswersFromServerAndReportsVllmMetadata()
    {
        var services = new ServiceCollection();
        services.AddVllmChatClient(Options(), "vllm/chat-model");
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("Hello there", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("Hello there", response.Text, StringComparison.Ordinal);
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("vllm", metadata.ProviderName);
        Assert.Equal("chat-model", metadata.DefaultModelId);
        Assert.Equal("/v1/chat/completions", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task AddVllmChatClient_Middleware_IsAppliedInBuilderOrder()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVllmChatClient(Options(), "chat-model")
            .UseFunctionInvocation()
            .UseLogging();
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();

        // The first Use() is the outermost: function invocation wraps logging, which wraps our client.
        var outer = Assert.IsType<FunctionInvokingChatClient>(client);
        Assert.NotNull(outer.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<VllmChatClient>());
    }

    [Fact]
    public async Task AddKeyedVllmChatClient_TwoKeys_ResolveIndependentClients()
    {
        var services = new ServiceCollection();
        services.AddKeyedVllmChatClient("a", Options(), "chat-model");
        services.AddKeyedVllmChatClient("b", Options(), "chat-model");
        await using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<IChatClient>("a");
        var b = provider.GetRequiredKeyedService<IChatClient>("b");

        Assert.NotSame(a, b);
        Assert.Null(provider.GetService<IChatClient>());
        var response = await b.GetResponseAsync("keyed", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("keyed", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVllmChatClient_FromConfiguration_BindsVllmSection()
    {
        var json = $$"""
            { "Vllm": { "BaseUrl": "{{_server.BaseUrl}}", "AllowPrivateNetwork": true, "Headers": { "X-Team": "search" } } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddVllmChatClient(configuration, "chat-model");
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("configured", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("search", request.Headers["X-Team"]);
    }

    [Fact]
    public async Task AddVllmChatClient_CallerHandlerOnNamedClient_SeesEveryRequest()
    {
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddVllmChatClient(Options(), "chat-model");
        services.AddHttpClient(VllmServiceCollectionExtensions.ChatHttpClientName).AddHttpMessageHandler(() => counter);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("counted", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task AddVllmChatClient_PrivateAddressWithoutApproval_IsRefusedBeforeAnyRequest()
    {
        var services = new ServiceCollection();
        services.AddVllmChatClient(new VllmProviderOptions { BaseUrl = _server.BaseUrl }, "chat-model");
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<VllmException>(() =>
            provider.GetRequiredService<IChatClient>().GetResponseAsync("refused", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("AllowPrivateNetwork", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task AddVllmEmbeddingGenerator_Resolved_GeneratesInInputOrder()
    {
        var services = new ServiceCollection();
        services.AddVllmEmbeddingGenerator(Options(), "embed-model").UseLogging();
        services.AddLogging();
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["alpha", "beta", "alpha"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(64, e.Vector.Length));
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[2].Vector.ToArray());
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.Equal("vllm", generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task AddKeyedVllmEmbeddingGenerator_Resolved_ByKey()
    {
        var services = new ServiceCollection();
        services.AddKeyedVllmEmbeddingGenerator("docs", Options(), "embed-model");
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs");
        var embedding = await generator.GenerateAsync("x", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, embedding.Vector.Length);
    }

    [Fact]
    public void AddVllmChatClient_NullArguments_ThrowWithParamName()
    {
        var services = new ServiceCollection();
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => VllmServiceCollectionExtensions.AddVllmChatClient(null!, Options())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => services.AddVllmChatClient((VllmProviderOptions)null!)).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => services.AddVllmChatClient((IConfiguration)null!)).ParamName);
        Assert.Equal("serviceKey", Assert.Throws<ArgumentNullException>(() => services.AddKeyedVllmChatClient(null!, Options())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => services.AddVllmEmbeddingGenerator((VllmProviderOptions)null!)).ParamName);
        Assert.Equal("serviceKey", Assert.Throws<ArgumentNullException>(() => services.AddKeyedVllmEmbeddingGenerator(null!, Options())).ParamName);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
