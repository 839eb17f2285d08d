using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace DocsSamples;

/// <summary>
/// The Semantic Kernel snippets of docs/vllm-features.md. This file imports both Microsoft.SemanticKernel and
/// Microsoft.Extensions.DependencyInjection, as a normal app does, so the registrations shown compile with both.
/// </summary>
public static class SemanticKernelSamples
{
    /// <summary>Semantic Kernel.</summary>
    public static async Task SemanticKernelAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_semantic_kernel
        Kernel kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(providerOptions, "Qwen/Qwen3-8B")
            .AddVllmEmbeddingGenerator(providerOptions, "BAAI/bge-m3")
            .Build();

        var settings = new VllmPromptExecutionSettings
        {
            Temperature = 0.6,
            TopK = 20,
            MinP = 0.05,
            RepetitionPenalty = 1.05,
            Priority = -1,
            ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = true },
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
        };
        settings.ExtensionData = new Dictionary<string, object> { ["cache_salt"] = "tenant-42" }; // any other vLLM field

        FunctionResult result = await kernel.InvokePromptAsync("Why is the sky blue?", new KernelArguments(settings));
        Console.WriteLine(result);
        #endregion
    }

    /// <summary>Semantic Kernel with an image in the chat history.</summary>
    public static async Task MediaAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_semantic_kernel_media
        Kernel kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(providerOptions, "Qwen/Qwen2.5-VL-7B-Instruct")
            .Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var history = new ChatHistory();
        history.AddUserMessage(
        [
            new TextContent("Describe this picture in one sentence."),
            new ImageContent(await File.ReadAllBytesAsync("cat.jpg"), "image/jpeg"), // or new ImageContent(new Uri("https://…"))
        ]);

        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history, kernel: kernel);
        Console.WriteLine(answer.Content);
        #endregion
    }

    /// <summary>Semantic Kernel with a token budget (Microsoft.Extensions.AI middleware beneath SK).</summary>
    public static async Task TokenBudgetAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_semantic_kernel_token_budget
        var tokenizer = new VllmTokenizer(providerOptions, "Qwen/Qwen3-8B");
        var reducer = new VllmTokenBudgetChatReducer(tokenizer, new VllmTokenBudgetOptions { MaxOutputTokens = 1024 });

        Kernel kernel = Kernel.CreateBuilder()
            .AddVllmChatCompletion(providerOptions, "Qwen/Qwen3-8B", configure: chat => chat.UseVllmTokenBudget(reducer))
            .Build();

        var answer = (await kernel.InvokePromptAsync("Summarise our conversation so far.")).GetValue<ChatMessageContent>();
        Console.WriteLine(answer?.Metadata?["Usage"]); // Metadata["reasoning"] and ["Usage"] are filled as without the budget
        #endregion
    }

    /// <summary>Semantic Kernel from the application's service collection.</summary>
    public static async Task HostedAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_semantic_kernel_services
        var services = new ServiceCollection();
        services.AddVllmChatCompletion(providerOptions, "Qwen/Qwen3-8B"); // IChatCompletionService (+ its IChatClient)
        services.AddVllmEmbeddingGenerator(providerOptions, "BAAI/bge-m3"); // IEmbeddingGenerator, used by SK as well
        services.AddKernel();

        await using ServiceProvider provider = services.BuildServiceProvider();
        Kernel kernel = provider.GetRequiredService<Kernel>();
        Console.WriteLine(await kernel.InvokePromptAsync("Why is the sky blue?"));
        #endregion
    }
}
