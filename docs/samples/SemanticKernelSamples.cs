using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.SemanticKernel;

namespace DocsSamples;

/// <summary>The Semantic Kernel snippet of docs/vllm-features.md.</summary>
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
}
