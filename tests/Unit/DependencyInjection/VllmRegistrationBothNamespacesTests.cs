using System;
using System.Collections.Generic;
using Connectors.Vllm;
using Connectors.Vllm.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.DependencyInjection;

/// <summary>
/// A normal app imports both <c>Microsoft.Extensions.DependencyInjection</c> and <c>Microsoft.SemanticKernel</c>. This file
/// does too, and calls every registration method the way the docs show them: if two of them ever share a name and a
/// shape again, this file stops compiling (CS0121) before any user sees it.
/// </summary>
public sealed class VllmRegistrationBothNamespacesTests
{
    private static readonly VllmProviderOptions Options = new() { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true };

    private static readonly VllmTokenBudgetChatReducer Reducer = new(new VllmTokenizer(Options, "chat"));

    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Vllm:BaseUrl"] = "http://127.0.0.1:8000/v1", ["Vllm:AllowPrivateNetwork"] = "true" })
        .Build();

    private static ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void ServiceCollectionRegistrations_BothNamespacesImported_EachResolvesItsService()
    {
        var configuration = Configuration();

        using (var sp = Build(s => s.AddVllmChatClient(Options)))
        {
            Assert.NotNull(sp.GetRequiredService<IChatClient>().GetService<VllmChatClient>());
        }

        using (var sp = Build(s => s.AddVllmChatClient(Options, "chat").UseFunctionInvocation()))
        {
            Assert.IsType<FunctionInvokingChatClient>(sp.GetRequiredService<IChatClient>());
        }

        using (var sp = Build(s => s.AddVllmChatClient(configuration.GetSection("Vllm"))))
        {
            Assert.NotNull(sp.GetRequiredService<IChatClient>().GetService<VllmChatClient>());
        }

        using (var sp = Build(s => s.AddKeyedVllmChatClient("k", Options, "chat")))
        {
            Assert.NotNull(sp.GetRequiredKeyedService<IChatClient>("k").GetService<VllmChatClient>());
        }

        using (var sp = Build(s => s.AddKeyedVllmChatClient("k", configuration)))
        {
            Assert.NotNull(sp.GetRequiredKeyedService<IChatClient>("k").GetService<VllmChatClient>());
        }

        using (var sp = Build(s => s.AddVllmEmbeddingGenerator(Options, "embed")))
        {
            Assert.NotNull(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<VllmEmbeddingGenerator>());
        }

        using (var sp = Build(s => s.AddVllmEmbeddingGenerator(Options)))
        {
            Assert.NotNull(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<VllmEmbeddingGenerator>());
        }

        using (var sp = Build(s => s.AddVllmEmbeddingGenerator(configuration.GetSection("Vllm"), "embed")))
        {
            Assert.NotNull(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<VllmEmbeddingGenerator>());
        }

        using (var sp = Build(s => s.AddKeyedVllmEmbeddingGenerator("k", Options, "embed")))
        {
            Assert.NotNull(sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("k").GetService<VllmEmbeddingGenerator>());
        }

        using (var sp = Build(s => s.AddKeyedVllmEmbeddingGenerator("k", configuration, "embed")))
        {
            Assert.NotNull(sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("k").GetService<VllmEmbeddingGenerator>());
        }

        using (var sp = Build(s => s.AddVllmChatCompletion(Options, "chat")))
        {
            Assert.NotNull(sp.GetRequiredService<IChatCompletionService>());
        }

        using (var sp = Build(s => s.AddVllmChatCompletion(Options, "chat", serviceId: "k")))
        {
            Assert.NotNull(sp.GetRequiredKeyedService<IChatCompletionService>("k"));
        }

        using (var sp = Build(s => s.AddVllmChatCompletion(Options, "chat", configure: b => b.UseVllmTokenBudget(Reducer))))
        {
            Assert.NotNull(sp.GetRequiredService<IChatClient>().GetService<VllmTokenBudgetChatClient>());
        }

        using (var sp = Build(s => s.AddVllmChatCompletion("chat", new Uri("http://127.0.0.1:8000/v1"), configure: b => b.UseVllmTokenBudget(Reducer))))
        {
            Assert.NotNull(sp.GetRequiredService<IChatClient>().GetService<VllmTokenBudgetChatClient>());
        }

        using (var sp = Build(s => s.AddVllmChatCompletion("chat", new Uri("http://127.0.0.1:8000/v1"))))
        {
            Assert.NotNull(sp.GetRequiredService<IChatCompletionService>());
        }

        using (var sp = Build(s => s.AddVllmChatCompletion()))
        {
            Assert.NotNull(sp.GetRequiredService<IChatCompletionService>());
        }

        using (var sp = Build(s => s.AddHealthChecks().AddVllm(Options)))
        {
            Assert.Contains(sp.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "vllm");
        }
    }

    [Fact]
    public void KernelBuilderRegistrations_BothNamespacesImported_EachResolvesItsService()
    {
        var kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(Options, "chat")
            .AddVllmEmbeddingGenerator(Options, "embed")
            .Build();
        Assert.NotNull(kernel.GetRequiredService<IChatCompletionService>());
        Assert.NotNull(kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<VllmEmbeddingGenerator>());

        kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(Options, "chat", serviceId: "k")
            .AddVllmEmbeddingGenerator(Options, "embed", serviceId: "k")
            .Build();
        Assert.NotNull(kernel.Services.GetRequiredKeyedService<IChatCompletionService>("k"));
        Assert.NotNull(kernel.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("k"));

        kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion("chat", new Uri("http://127.0.0.1:8000/v1"))
            .AddVllmEmbeddingGenerator("embed", new Uri("http://127.0.0.1:8000/v1"))
            .Build();
        Assert.NotNull(kernel.GetRequiredService<IChatCompletionService>());
        Assert.NotNull(kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(Options, "chat", configure: b => b.UseVllmTokenBudget(Reducer))
            .Build();
        Assert.NotNull(kernel.GetRequiredService<IChatClient>().GetService<VllmTokenBudgetChatClient>());

        kernel = Kernel.CreateBuilder().AddVllmChatCompletion(configure: b => b.UseVllmTokenBudget(Reducer)).Build();
        Assert.NotNull(kernel.GetRequiredService<IChatClient>().GetService<VllmTokenBudgetChatClient>());

        kernel = Kernel.CreateBuilder().AddVllmChatCompletion().AddVllmEmbeddingGenerator().Build();
        Assert.NotNull(kernel.GetRequiredService<IChatCompletionService>());
        Assert.NotNull(kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        // A kernel builder's own service collection takes the MEAI registrations as well.
        var builder = Kernel.CreateBuilder();
        builder.Services.AddVllmEmbeddingGenerator(Options, "embed");
        builder.Services.AddVllmChatClient(Options, "chat");
        kernel = builder.Build();
        Assert.NotNull(kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<VllmEmbeddingGenerator>());
        Assert.NotNull(kernel.GetRequiredService<IChatClient>().GetService<VllmChatClient>());
    }
}
