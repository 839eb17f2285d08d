using System;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DocsSamples;

/// <summary>Snippets of docs/getting-started.md.</summary>
public static class GettingStartedSamples
{
    /// <summary>First chat, non-streaming and streaming.</summary>
    public static async Task FirstChatAsync()
    {
        #region snippet_first_chat
        var options = new VllmProviderOptions(); // http://127.0.0.1:8000/v1, the address of a local `vllm serve`
        using IChatClient client = new VllmChatClient(options, "Qwen/Qwen3-8B");

        ChatResponse response = await client.GetResponseAsync("Why is the sky blue? One sentence.");
        Console.WriteLine(response.Text);

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("Count to five."))
        {
            Console.Write(update.Text);
        }
        #endregion
    }

    /// <summary>Configuration from appsettings.json and dependency injection.</summary>
    public static async Task FromAppSettingsAsync()
    {
        #region snippet_appsettings_di
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json")
            .Build();

        var services = new ServiceCollection();
        services.AddVllmChatClient(configuration.GetSection("Vllm"))
            .UseFunctionInvocation();
        services.AddVllmEmbeddingGenerator(configuration.GetSection("Vllm"), "BAAI/bge-m3");

        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        Console.WriteLine((await chat.GetResponseAsync("Hello")).Text);
        #endregion
    }
}
