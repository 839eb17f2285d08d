using System;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The settings of one vLLM connection in an Aspire app: where the server is, its key, the served model, and which
/// of the integration's extras (health check, tracing, metrics) are on.
/// </summary>
/// <remarks>
/// <para>Read in this order, each later source overriding the earlier: the <c>Aspire:Vllm</c> configuration
/// section, then <c>Aspire:Vllm:{connectionName}</c>, then the connection string <c>ConnectionStrings:{connectionName}</c>
/// (<c>Endpoint=http://host:port/v1;Model=&lt;served name&gt;;Key=&lt;key&gt;</c>, as the Connectors.Vllm.Aspire.Hosting
/// package writes it, or a bare URL), then the <c>configure</c> callback. In the configuration sections,
/// <c>BaseUrl</c> and <c>ApiKey</c> (the names of <c>VllmProviderOptions</c>, which error hints use) are the same settings
/// as <see cref="Endpoint"/> and <see cref="Key"/>; a section sets one name of each, not both.</para>
/// <para><b>Private network.</b> An Aspire-run vLLM is a container reached through a loopback port or a container
/// host name: a private address, which the client refuses unless <see cref="AllowPrivateNetwork"/> is
/// <see langword="true"/>. The connection string never approves it: approve it yourself, with
/// <c>"Aspire:Vllm:AllowPrivateNetwork": true</c> (or <c>Aspire:Vllm:{connectionName}:AllowPrivateNetwork</c>) in
/// the app's configuration, <c>.WithEnvironment("Aspire__Vllm__AllowPrivateNetwork", "true")</c> on the project in
/// the AppHost, or <c>settings =&gt; settings.AllowPrivateNetwork = true</c> in the callback. A refused address fails
/// the first call with a <c>VllmException</c> that names <c>Aspire:Vllm:{connectionName}:AllowPrivateNetwork</c>.</para>
/// </remarks>
public sealed class VllmClientSettings
{
    /// <summary>Gets or sets the server's OpenAI-compatible base URL, ending in <c>/v1</c> (the connection string's <c>Endpoint</c>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the server's API key (vLLM's <c>--api-key</c>; the connection string's <c>Key</c>), or <see langword="null"/> for none.</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the default model: vLLM's served model name (the connection string's <c>Model</c>);
    /// <see langword="null"/> for the server's only model.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets whether loopback, LAN and other private-range addresses may be contacted. Default
    /// <see langword="false"/>; an Aspire-run container needs it (see the remarks of <see cref="VllmClientSettings"/>).</summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>Gets or sets whether the vLLM health check is left out. Default <see langword="false"/>: it is registered.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Gets or sets whether OpenTelemetry tracing of the Microsoft.Extensions.AI source is left out. Default <see langword="false"/>.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Gets or sets whether OpenTelemetry metrics of the Microsoft.Extensions.AI meter are left out. Default <see langword="false"/>.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>Gets or sets whether telemetry records prompts, answers and tool arguments. Default <see langword="false"/>:
    /// they may hold personal or secret data.</summary>
    public bool EnableSensitiveTelemetryData { get; set; }
}
