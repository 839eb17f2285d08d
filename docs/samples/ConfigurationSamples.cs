using System;
using System.Net.Http;
using Connectors.Vllm;
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
