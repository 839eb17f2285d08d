using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// .NET Aspire client integration for vLLM: registers a Connectors.Vllm <see cref="IChatClient"/> or embedding
/// generator from a connection string, with OpenTelemetry tracing and metrics and a health check.
/// </summary>
/// <remarks>
/// <para>The settings (<see cref="VllmClientSettings"/>) are read from <c>Aspire:Vllm</c>, then
/// <c>Aspire:Vllm:{connectionName}</c>, then <c>ConnectionStrings:{connectionName}</c>, then the callback, when the
/// method is called; a connection without an endpoint fails then, with a <see cref="VllmException"/> that names the
/// keys to set.</para>
/// <para>The provider settings of <see cref="VllmProviderOptions"/> (<c>FirstByteTimeout</c>, <c>StreamIdleTimeout</c>,
/// <c>Retry</c>, <c>Headers</c>, <c>Models</c>, the size limits, …) are read from the same two sections, under the same
/// names as in a <c>Vllm</c> section (<see cref="VllmProviderOptions.FromConfiguration"/>), <c>Aspire:Vllm:{connectionName}</c>
/// over <c>Aspire:Vllm</c>; error hints name them as <c>Aspire:Vllm:{connectionName}:FirstByteTimeout</c>. <c>BaseUrl</c>
/// and <c>ApiKey</c> there are the same settings as <c>Endpoint</c> and <c>Key</c>.</para>
/// <para>The client is ours (<see cref="VllmChatClient"/> / <see cref="VllmEmbeddingGenerator"/>, registered with
/// <c>AddKeyedVllmChatClient</c> / <c>AddKeyedVllmEmbeddingGenerator</c> under an internal key, so its
/// <see cref="System.Net.Http.IHttpClientFactory"/> name is <c>Connectors.Vllm.Chat:aspire:{connectionName}</c> or
/// <c>Connectors.Vllm.Embeddings:aspire:{connectionName}</c>). Unless both tracing and metrics are disabled it is
/// wrapped first in Microsoft.Extensions.AI's OpenTelemetry client (source and meter
/// <c>Experimental.Microsoft.Extensions.AI</c>), so the middleware you add to the returned builder
/// (<c>.UseFunctionInvocation()</c>, …) goes outside it and each model call is one span. The health check is named
/// <c>vllm_{connectionName}</c>.</para>
/// <para>Private addresses (an Aspire-run container) are approved only by <see cref="VllmClientSettings.AllowPrivateNetwork"/>,
/// never by the connection string: see <see cref="VllmClientSettings"/>.</para>
/// </remarks>
public static class AspireVllmExtensions
{
    /// <summary>The configuration section read for every vLLM connection.</summary>
    internal const string SectionName = "Aspire:Vllm";

    /// <summary>Microsoft.Extensions.AI's default <see cref="System.Diagnostics.ActivitySource"/> and meter name.</summary>
    internal const string TelemetrySourceName = "Experimental.Microsoft.Extensions.AI";

    /// <summary>Registers a vLLM <see cref="IChatClient"/> for the connection <paramref name="connectionName"/>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="connectionName">The connection's name: <c>ConnectionStrings:{connectionName}</c> and
    /// <c>Aspire:Vllm:{connectionName}</c> are read.</param>
    /// <param name="configure">Changes the settings after configuration was read, or <see langword="null"/>.</param>
    /// <returns>A builder to add middleware to (<c>.UseFunctionInvocation()</c>, <c>.UseLogging()</c>, …).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionName"/> is empty.</exception>
    /// <exception cref="VllmException">No endpoint is configured, the connection string cannot be read, or the settings are invalid.</exception>
    public static ChatClientBuilder AddVllmChatClient(this IHostApplicationBuilder builder, string connectionName, Action<VllmClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        return AddChatClient(builder, connectionName, configure, keyed: false);
    }

    /// <summary>Registers a vLLM <see cref="IChatClient"/> keyed by <paramref name="name"/>, for the connection of that name.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The connection's name, which is also the service key.</param>
    /// <param name="configure">Changes the settings after configuration was read, or <see langword="null"/>.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="VllmException">No endpoint is configured, the connection string cannot be read, or the settings are invalid.</exception>
    public static ChatClientBuilder AddKeyedVllmChatClient(this IHostApplicationBuilder builder, string name, Action<VllmClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return AddChatClient(builder, name, configure, keyed: true);
    }

    /// <summary>Registers a vLLM embedding generator for the connection <paramref name="connectionName"/>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="connectionName">The connection's name: <c>ConnectionStrings:{connectionName}</c> and
    /// <c>Aspire:Vllm:{connectionName}</c> are read.</param>
    /// <param name="configure">Changes the settings after configuration was read, or <see langword="null"/>.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionName"/> is empty.</exception>
    /// <exception cref="VllmException">No endpoint is configured, the connection string cannot be read, or the settings are invalid.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddVllmEmbeddingGenerator(this IHostApplicationBuilder builder, string connectionName, Action<VllmClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        return AddEmbeddingGenerator(builder, connectionName, configure, keyed: false);
    }

    /// <summary>Registers a vLLM embedding generator keyed by <paramref name="name"/>, for the connection of that name.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The connection's name, which is also the service key.</param>
    /// <param name="configure">Changes the settings after configuration was read, or <see langword="null"/>.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="VllmException">No endpoint is configured, the connection string cannot be read, or the settings are invalid.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedVllmEmbeddingGenerator(this IHostApplicationBuilder builder, string name, Action<VllmClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return AddEmbeddingGenerator(builder, name, configure, keyed: true);
    }

    private static ChatClientBuilder AddChatClient(IHostApplicationBuilder builder, string connectionName, Action<VllmClientSettings>? configure, bool keyed)
    {
        var (settings, options) = Prepare(builder, connectionName, configure);
        var innerKey = new InnerKey(connectionName);
        builder.Services.AddKeyedVllmChatClient(innerKey, options, settings.Model);
        IChatClient Create(IServiceProvider services)
        {
            var inner = services.GetRequiredKeyedService<IChatClient>(innerKey);
            return settings.DisableTracing && settings.DisableMetrics
                ? inner
                : new OpenTelemetryChatClient(inner, Logger(services, typeof(OpenTelemetryChatClient)), TelemetrySourceName) { EnableSensitiveData = settings.EnableSensitiveTelemetryData };
        }

        return keyed ? builder.Services.AddKeyedChatClient(connectionName, Create) : builder.Services.AddChatClient(Create);
    }

    private static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGenerator(IHostApplicationBuilder builder, string connectionName, Action<VllmClientSettings>? configure, bool keyed)
    {
        var (settings, options) = Prepare(builder, connectionName, configure);
        var innerKey = new InnerKey(connectionName);
        builder.Services.AddKeyedVllmEmbeddingGenerator(innerKey, options, settings.Model);
        IEmbeddingGenerator<string, Embedding<float>> Create(IServiceProvider services)
        {
            var inner = services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(innerKey);
            return settings.DisableTracing && settings.DisableMetrics
                ? inner
                : new OpenTelemetryEmbeddingGenerator<string, Embedding<float>>(inner, Logger(services, typeof(OpenTelemetryEmbeddingGenerator<string, Embedding<float>>)), TelemetrySourceName) { EnableSensitiveData = settings.EnableSensitiveTelemetryData };
        }

        return keyed ? builder.Services.AddKeyedEmbeddingGenerator(connectionName, Create) : builder.Services.AddEmbeddingGenerator(Create);
    }

    /// <summary>Reads the settings, turns them into provider options, and adds the health check and telemetry they ask for.</summary>
    private static (VllmClientSettings Settings, VllmProviderOptions Options) Prepare(IHostApplicationBuilder builder, string connectionName, Action<VllmClientSettings>? configure)
    {
        var settings = ReadSettings(builder.Configuration, connectionName, configure);
        var options = ToProviderOptions(builder.Configuration, settings, connectionName);

        if (!settings.DisableHealthChecks)
        {
            AddHealthCheckOnce(builder.Services, connectionName, options);
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(TelemetrySourceName));
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(TelemetrySourceName));
        }

        return (settings, options);
    }

    /// <summary>The settings in their order: <c>Aspire:Vllm</c>, <c>Aspire:Vllm:{name}</c>, the connection string, the callback.</summary>
    internal static VllmClientSettings ReadSettings(IConfiguration configuration, string connectionName, Action<VllmClientSettings>? configure)
    {
        var settings = new VllmClientSettings();
        var section = configuration.GetSection(SectionName);
        BindSection(section, settings);
        BindSection(section.GetSection(connectionName), settings);
        if (configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            ApplyConnectionString(settings, connectionString, connectionName);
        }

        configure?.Invoke(settings);
        return settings;
    }

    /// <summary>Binds one section. <c>BaseUrl</c> and <c>ApiKey</c>, the provider options' names that error hints use, are
    /// the same settings as <c>Endpoint</c> and <c>Key</c>, so that a hint naming <c>Aspire:Vllm:{name}:ApiKey</c> names a key
    /// that works; one section may use either name of a setting, not both.</summary>
    private static void BindSection(IConfigurationSection section, VllmClientSettings settings)
    {
        section.Bind(settings);
        if (OtherName(section, nameof(VllmClientSettings.Key), nameof(VllmProviderOptions.ApiKey)) is { } key)
        {
            settings.Key = key;
        }

        if (OtherName(section, nameof(VllmClientSettings.Endpoint), nameof(VllmProviderOptions.BaseUrl)) is { } url)
        {
            settings.Endpoint = Uri.TryCreate(url, UriKind.Absolute, out var uri)
                ? uri
                : throw new VllmException($"{ConfigurationPath.Combine(section.Path, nameof(VllmProviderOptions.BaseUrl))}: '{url}' is not an absolute URL; write it as http://host:port/v1.");
        }
    }

    /// <summary>The value of <paramref name="option"/> in <paramref name="section"/>, or <see langword="null"/>; a section that
    /// sets <paramref name="setting"/> too is refused (the key is not quoted).</summary>
    private static string? OtherName(IConfigurationSection section, string setting, string option)
    {
        if (section[option] is not { Length: > 0 } value)
        {
            return null;
        }

        return section[setting] is { Length: > 0 }
            ? throw new VllmException(
                $"{ConfigurationPath.Combine(section.Path, setting)} and {ConfigurationPath.Combine(section.Path, option)} are both set; they are one setting: keep one.")
            : value;
    }

    /// <summary>Reads <c>Endpoint=…;Key=…;Model=…</c> (keys in any case) or a bare http(s) URL. The connection string is never
    /// quoted in an error: it may hold the key.</summary>
    internal static void ApplyConnectionString(VllmClientSettings settings, string connectionString, string connectionName)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var bare) && (bare.Scheme == Uri.UriSchemeHttp || bare.Scheme == Uri.UriSchemeHttps))
        {
            settings.Endpoint = bare;
            return;
        }

        var parts = new DbConnectionStringBuilder();
        try
        {
            parts.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            throw new VllmException($"ConnectionStrings:{connectionName} is neither an http(s) URL nor 'Endpoint=http://host:port/v1;Model=<served name>;Key=<key>'.", ex);
        }

        if (parts.TryGetValue("Endpoint", out var endpoint) && endpoint is string { Length: > 0 } text)
        {
            settings.Endpoint = Uri.TryCreate(text, UriKind.Absolute, out var uri)
                ? uri
                : throw new VllmException($"ConnectionStrings:{connectionName}: Endpoint '{text}' is not an absolute URL; write it as http://host:port/v1.");
        }

        if (parts.TryGetValue("Key", out var key) && key is string { Length: > 0 } keyText)
        {
            settings.Key = keyText;
        }

        if (parts.TryGetValue("Model", out var model) && model is string { Length: > 0 } modelText)
        {
            settings.Model = modelText;
        }
    }

    /// <summary>The provider options of a connection: the provider settings read from <c>Aspire:Vllm</c> and
    /// <c>Aspire:Vllm:{name}</c> (the later wins) by <see cref="VllmProviderOptions.FromConfiguration"/>, then the endpoint, key
    /// and private-network approval of <paramref name="settings"/> (which already hold the connection string and the callback).
    /// The options carry the path <c>Aspire:Vllm:{name}</c>, so a hint names the key that overrides every other source in
    /// configuration.</summary>
    internal static VllmProviderOptions ToProviderOptions(IConfiguration configuration, VllmClientSettings settings, string connectionName)
    {
        if (settings.Endpoint is null)
        {
            throw new VllmException(
                $"The vLLM connection '{connectionName}' has no endpoint. Set the connection string ConnectionStrings:{connectionName} " +
                $"(Endpoint=http://host:8000/v1;Model=<served name>), or {SectionName}:{connectionName}:Endpoint, or Endpoint in the configure callback; " +
                $"in an Aspire AppHost, pass the vLLM resource to the project with .WithReference(vllm).");
        }

        var options = VllmProviderOptions.FromConfiguration(ConnectionSection(configuration, connectionName));
        options.BaseUrl = settings.Endpoint;
        options.ApiKey = settings.Key;
        options.AllowPrivateNetwork = settings.AllowPrivateNetwork;
        options.Validate();
        return options;
    }

    /// <summary><c>Aspire:Vllm</c> with <c>Aspire:Vllm:{name}</c> over it, as one section at the path <c>Aspire:Vllm:{name}</c>.
    /// The settings' own keys in it (<c>Endpoint</c>, <c>Key</c>, <c>Model</c>, <c>Disable…</c>, the other connections' sections)
    /// are not provider settings, and <see cref="VllmProviderOptions.FromConfiguration"/> leaves them alone.</summary>
    private static IConfigurationSection ConnectionSection(IConfiguration configuration, string connectionName)
    {
        var shared = configuration.GetSection(SectionName);
        var named = shared.GetSection(connectionName);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(Under(named.Path, shared))
            .AddInMemoryCollection(Under(named.Path, named))
            .Build()
            .GetSection(named.Path);
    }

    private static IEnumerable<KeyValuePair<string, string?>> Under(string path, IConfigurationSection section)
        => section.AsEnumerable(makePathsRelative: true)
            .Where(entry => entry.Value is not null)
            .Select(entry => new KeyValuePair<string, string?>(ConfigurationPath.Combine(path, entry.Key), entry.Value));

    private static void AddHealthCheckOnce(IServiceCollection services, string connectionName, VllmProviderOptions options)
    {
        var name = "vllm_" + connectionName;
        // A chat client and an embedding generator on one connection share one check (a repeated name fails at run time).
        if (services.Any(d => d.ServiceType == typeof(HealthCheckMarker) && d.ImplementationInstance is HealthCheckMarker m && m.Name == name))
        {
            return;
        }

        services.AddSingleton(new HealthCheckMarker(name));
        services.AddHealthChecks().AddVllm(options, name);
    }

    private static ILogger? Logger(IServiceProvider services, Type category) => services.GetService<ILoggerFactory>()?.CreateLogger(category);

    /// <summary>The key our own client is registered under, beneath the public registration that wraps it.</summary>
    private sealed record InnerKey(string ConnectionName)
    {
        public override string ToString() => "aspire:" + ConnectionName;
    }

    private sealed record HealthCheckMarker(string Name);
}
