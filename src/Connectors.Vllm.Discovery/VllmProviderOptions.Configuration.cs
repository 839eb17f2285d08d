using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Connectors.Vllm;

public sealed partial class VllmProviderOptions
{
    /// <summary>The environment variable whose presence turns on the implicit provider, and whose value is the API key.</summary>
    public const string ApiKeyEnvironmentVariable = "VLLM_API_KEY";

    /// <summary>The environment variable that overrides the base URL of the implicit provider.</summary>
    public const string BaseUrlEnvironmentVariable = "VLLM_BASE_URL";

    /// <summary>
    /// Reads options from the <c>"Vllm"</c> configuration section (pass <c>configuration.GetSection("Vllm")</c>),
    /// then validates them.
    /// </summary>
    /// <param name="section">The section holding <c>BaseUrl</c>, <c>ApiKey</c>, <c>Models</c> and the other settings.</param>
    /// <returns>The options; a key that is absent keeps its default.</returns>
    /// <remarks>
    /// <para>Keys are read by hand (no reflection binder), so this works under trimming and native AOT.
    /// Every property binds: <c>BaseUrl</c>, <c>ApiKey</c>, <c>Api</c>, <c>AllowPrivateNetwork</c>, <c>Headers</c>
    /// (an object of name/value pairs), <c>SessionHeaderName</c>, <c>StickyResponseHeader</c> (text; several names separated by commas), <c>Models</c> (an array of model entries with <c>Id</c>, <c>Name</c>,
    /// <c>Reasoning</c>, <c>Input</c>, <c>Tools</c>, <c>Cost</c>, <c>ContextWindow</c>, <c>MaxTokens</c>,
    /// <c>Parent</c>, <c>Root</c>), the timeouts as time-span strings (<c>"00:00:10"</c>), <c>Retry</c>,
    /// the size limits, <c>DiscoveryCacheTtl</c>, <c>SendMessageNames</c> and <c>ToolCallRecovery</c> (<c>"Off"</c>,
    /// <c>"Warn"</c> or <c>"Recover"</c>). Unknown keys are ignored.</para>
    /// <para><c>${NAME}</c> in <c>ApiKey</c> and header values is kept as written here and replaced from the
    /// environment when a client is built; nothing else is expanded.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="section"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">A value cannot be read, or the options are invalid (see <see cref="Validate"/>);
    /// the message lists every problem with its full configuration key.</exception>
    public static VllmProviderOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var reader = new VllmConfigurationReader(problems);
        var options = new VllmProviderOptions { ConfigurationPath = section is IConfigurationSection { Path.Length: > 0 } bound ? bound.Path : null };

        options.BaseUrl = reader.ReadUri(section, nameof(BaseUrl)) ?? options.BaseUrl;
        options.ApiKey = VllmConfigurationReader.Text(section, nameof(ApiKey));
        options.Api = VllmConfigurationReader.Text(section, nameof(Api)) ?? options.Api;
        options.AllowPrivateNetwork = reader.ReadBool(section, nameof(AllowPrivateNetwork)) ?? options.AllowPrivateNetwork;
        options.SendMessageNames = reader.ReadBool(section, nameof(SendMessageNames)) ?? options.SendMessageNames;

        foreach (var header in section.GetSection(nameof(Headers)).GetChildren())
        {
            if (header.Value is null && header.GetChildren().Any())
            {
                problems.Add($"{header.Path}: a header value must be text, not an object or array.");
                continue;
            }

            options.Headers[header.Key] = header.Value ?? string.Empty;
        }

        options.SessionHeaderName = VllmConfigurationReader.Text(section, nameof(SessionHeaderName)) ?? options.SessionHeaderName;
        options.StickyResponseHeader = VllmConfigurationReader.Text(section, nameof(StickyResponseHeader));
        if (options.StickyResponseHeader is null && section.GetSection(nameof(StickyResponseHeader)).GetChildren().Any())
        {
            problems.Add($"{options.GetSettingKey(nameof(StickyResponseHeader))}: must be text, not an object or array; separate several header names with commas (\"x-session-token,x-session-token-prefill\").");
        }

        foreach (var entry in section.GetSection(nameof(Models)).GetChildren())
        {
            options.Models.Add(ReadModel(entry, reader));
        }

        options.ConnectTimeout = reader.ReadTimeSpan(section, nameof(ConnectTimeout)) ?? options.ConnectTimeout;
        options.FirstByteTimeout = reader.ReadTimeSpan(section, nameof(FirstByteTimeout)) ?? options.FirstByteTimeout;
        options.StreamIdleTimeout = reader.ReadTimeSpan(section, nameof(StreamIdleTimeout)) ?? options.StreamIdleTimeout;
        options.DiscoveryCacheTtl = reader.ReadTimeSpan(section, nameof(DiscoveryCacheTtl)) ?? options.DiscoveryCacheTtl;
        options.MaxSseLineBytes = reader.ReadInt(section, nameof(MaxSseLineBytes)) ?? options.MaxSseLineBytes;
        options.MaxResponseBytes = reader.ReadLong(section, nameof(MaxResponseBytes)) ?? options.MaxResponseBytes;
        options.MaxModelsBodyBytes = reader.ReadInt(section, nameof(MaxModelsBodyBytes)) ?? options.MaxModelsBodyBytes;
        options.ToolCallRecovery = reader.ReadEnum<VllmToolCallRecovery>(section, nameof(ToolCallRecovery)) ?? options.ToolCallRecovery;
        options.MaxInlineMediaBytes = reader.ReadLong(section, nameof(MaxInlineMediaBytes)) ?? options.MaxInlineMediaBytes;

        var retry = section.GetSection(nameof(Retry));
        options.Retry.MaxAttempts = reader.ReadInt(retry, nameof(VllmRetryOptions.MaxAttempts)) ?? options.Retry.MaxAttempts;
        options.Retry.BaseDelay = reader.ReadTimeSpan(retry, nameof(VllmRetryOptions.BaseDelay)) ?? options.Retry.BaseDelay;
        options.Retry.MaxDelay = reader.ReadTimeSpan(retry, nameof(VllmRetryOptions.MaxDelay)) ?? options.Retry.MaxDelay;
        options.Retry.MaxTotalTime = reader.ReadTimeSpan(retry, nameof(VllmRetryOptions.MaxTotalTime)) ?? options.Retry.MaxTotalTime;

        problems.AddRange(options.GetProblems());
        if (problems.Count > 0)
        {
            throw ConfigurationException(problems);
        }

        return options;
    }

    /// <summary>The path of the configuration section these options were read from (<c>Vllm</c>), or <see langword="null"/>
    /// when they were built in code; every message that names a setting uses it (<see cref="GetSettingKey"/>).</summary>
    internal string? ConfigurationPath { get; set; }

    /// <summary>
    /// The implicit provider: options for a server at <c>VLLM_BASE_URL</c> (default <see cref="DefaultBaseUrl"/>)
    /// with the key from <c>VLLM_API_KEY</c>, when <c>VLLM_API_KEY</c> is set to any non-empty value.
    /// </summary>
    /// <returns>The options (with no explicit models, so models are discovered from the server), or
    /// <see langword="null"/> when <c>VLLM_API_KEY</c> is not set.</returns>
    /// <remarks><c>VLLM_API_KEY</c> is the opt-in signal; a server started without <c>--api-key</c> ignores the
    /// key, so any placeholder value works for it. A <c>VLLM_BASE_URL</c> on a private address still needs
    /// <see cref="AllowPrivateNetwork"/>.</remarks>
    /// <exception cref="VllmException"><c>VLLM_BASE_URL</c> is set but is not an absolute http(s) URL.</exception>
    public static VllmProviderOptions? FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary><see cref="FromEnvironment()"/> with an injectable lookup, so tests need not change the process environment.</summary>
    internal static VllmProviderOptions? FromEnvironment(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var key = lookup(ApiKeyEnvironmentVariable);
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var options = new VllmProviderOptions { ApiKey = key };
        var baseUrl = lookup(BaseUrlEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new VllmException($"Configuration error: {BaseUrlEnvironmentVariable} '{baseUrl}' is not an absolute http or https URL such as http://127.0.0.1:8000/v1.");
            }

            options.BaseUrl = uri;
        }

        return options;
    }

    private static VllmModelDefinition ReadModel(IConfigurationSection entry, VllmConfigurationReader reader)
    {
        var model = new VllmModelDefinition
        {
            Id = VllmConfigurationReader.Text(entry, nameof(VllmModelDefinition.Id)) ?? string.Empty,
            Name = VllmConfigurationReader.Text(entry, nameof(VllmModelDefinition.Name)),
            Reasoning = reader.ReadBool(entry, nameof(VllmModelDefinition.Reasoning)),
            Input = VllmConfigurationReader.List(entry, nameof(VllmModelDefinition.Input)),
            Tools = reader.ReadBool(entry, nameof(VllmModelDefinition.Tools)),
            ContextWindow = reader.ReadInt(entry, nameof(VllmModelDefinition.ContextWindow)),
            MaxTokens = reader.ReadInt(entry, nameof(VllmModelDefinition.MaxTokens)),
            Parent = VllmConfigurationReader.Text(entry, nameof(VllmModelDefinition.Parent)),
            Root = VllmConfigurationReader.Text(entry, nameof(VllmModelDefinition.Root)),
        };

        var cost = entry.GetSection(nameof(VllmModelDefinition.Cost));
        if (cost.Exists())
        {
            model.Cost = new VllmModelCost
            {
                Input = reader.ReadDecimal(cost, nameof(VllmModelCost.Input)) ?? 0m,
                Output = reader.ReadDecimal(cost, nameof(VllmModelCost.Output)) ?? 0m,
                CacheRead = reader.ReadDecimal(cost, nameof(VllmModelCost.CacheRead)) ?? 0m,
                CacheWrite = reader.ReadDecimal(cost, nameof(VllmModelCost.CacheWrite)) ?? 0m,
            };
        }

        return model;
    }
}
