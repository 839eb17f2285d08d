using System;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace DocsSamples;

/// <summary>Snippets of docs/troubleshooting.md and telemetry notes.</summary>
public static class TelemetrySamples
{
    /// <summary>OpenTelemetry around the vLLM clients.</summary>
    public static IChatClient WithTelemetry(VllmProviderOptions providerOptions)
    {
        #region snippet_opentelemetry
        // Spans and gen_ai.client.* metrics on the "Experimental.Microsoft.Extensions.AI" source and meter;
        // gen_ai.provider.name is "vllm", with server.address/server.port from BaseUrl.
        IChatClient client = new VllmChatClient(providerOptions, "Qwen/Qwen3-8B")
            .AsBuilder()
            .UseOpenTelemetry()
            .Build();
        #endregion
        return client;
    }

    /// <summary>Logging from the vLLM clients.</summary>
    public static IChatClient WithLogging(VllmProviderOptions providerOptions, ILoggerFactory loggerFactory)
    {
        #region snippet_logging
        // Our events (category "Connectors.Vllm") and the OpenAI SDK's request log ("System.ClientModel").
        // With AddVllmChatClient and friends, the container's ILoggerFactory is used when this is not set.
        providerOptions.LoggerFactory = loggerFactory;
        IChatClient client = new VllmChatClient(providerOptions, "Qwen/Qwen3-8B");
        #endregion
        return client;
    }

    /// <summary>Catching our one exception type.</summary>
    public static async Task CatchAsync(IChatClient client)
    {
        #region snippet_catch_vllm_exception
        try
        {
            await client.GetResponseAsync("Hello");
        }
        catch (VllmException ex)
        {
            // ex.Message: what happened, with the server's own text; ex.Hint: the setting or command that fixes it.
            Console.Error.WriteLine($"{(int?)ex.StatusCode} {ex.ErrorType}: {ex.ServerMessage}");
            Console.Error.WriteLine($"fix: {ex.Hint}");
        }
        #endregion
    }
}
