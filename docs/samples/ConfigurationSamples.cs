using System;
using System.Net.Http;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace DocsSamples;

/// <summary>Snippets of docs/configuration.md.</summary>
public static class ConfigurationSamples
{
    /// <summary>Reading the "Vllm" section, or the implicit provider.</summary>
    public static VllmProviderOptions Read(IConfiguration configuration)
    {
        #region snippet_read_configuration
        IConfigurationSection section = configuration.GetSection("Vllm");
        VllmProviderOptions options = section.Exists()
            ? VllmProviderOptions.FromConfiguration(section) // throws VllmException listing every bad key
            : VllmProviderOptions.FromEnvironment()          // the implicit provider: VLLM_API_KEY (+ VLLM_BASE_URL)
              ?? new VllmProviderOptions();                  // nothing configured: http://127.0.0.1:8000/v1
        #endregion
        return options;
    }

    /// <summary>The same settings in code.</summary>
    public static VllmProviderOptions InCode()
    {
        #region snippet_options_in_code
        var options = new VllmProviderOptions
        {
            BaseUrl = new Uri("http://10.0.0.5:8000/v1"),
            ApiKey = "${VLLM_API_KEY}",        // replaced from the environment when a client is built
            AllowPrivateNetwork = true,        // 10.0.0.5 is a private address: approve it explicitly
            FirstByteTimeout = TimeSpan.FromMinutes(2),
        };
        options.Models.Add(new VllmModelDefinition { Id = "Qwen/Qwen3-8B", Reasoning = true, Tools = true, ContextWindow = 32768 });
        options.Retry.MaxAttempts = 1;         // one retry layer only, when you add Microsoft.Extensions.Http.Resilience
        options.Validate();                    // every component also validates when it is created
        #endregion
        return options;
    }

    /// <summary>Behind a router: session affinity, per-request headers and request ids.</summary>
    public static async System.Threading.Tasks.Task BehindARouter(VllmProviderOptions options)
    {
        #region snippet_behind_a_router
        options.SessionHeaderName = "x-user-id";            // production-stack: its --session-key (default X-Session-ID)
        options.StickyResponseHeader = "x-session-token";   // llm-d: the token is sent back on the session's later requests
        using var client = new VllmChatClient(options, "Qwen/Qwen3-8B");

        var chatOptions = new ChatOptions()
            .WithSessionId("conversation-42")               // same session → same replica (and its prefix cache)
            .WithRequestId("order-7-summary")               // X-Request-Id; otherwise a new id per request
            .WithRequestHeader("X-Tenant", "blue")          // this request only
            .WithInferenceObjective("premium");             // llm-d's x-llm-d-inference-objective
        try
        {
            var response = await client.GetResponseAsync("Summarize order 7.", chatOptions);
            Console.WriteLine(response.AdditionalProperties?["request_id"]); // find it in the router's and vLLM's logs
        }
        catch (VllmException ex)
        {
            Console.WriteLine($"{ex.StatusCode} {ex.RequestId} {ex.RequestDroppedReason}: {ex.Message}");
        }
        #endregion
    }

    /// <summary>Your own HttpClient that keeps the private-network gate.</summary>
    public static VllmChatClient OwnHttpClient(VllmProviderOptions options)
    {
        #region snippet_own_httpclient
        var httpClient = new HttpClient(VllmHttpHandler.CreatePrimaryHandler(options));
        var client = new VllmChatClient(options, "Qwen/Qwen3-8B", httpClient);
        #endregion
        return client;
    }
}
