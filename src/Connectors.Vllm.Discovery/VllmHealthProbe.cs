using System.Net;
using System.Net.Sockets;
using Connectors.Vllm.Catalog;

namespace Connectors.Vllm;

/// <summary>
/// Checks, in order, that a vLLM server may be contacted (the private-network gate), is reachable and ready
/// (<c>GET /health</c>), accepts the key and lists its models (<c>GET {BaseUrl}/models</c>), and which version it runs
/// (<c>GET /version</c>). Every failure becomes a sentence in <see cref="VllmHealthReport.Problems"/> that names the fix.
/// </summary>
/// <remarks>
/// <para>The probe never throws for a server or configuration problem: invalid options, an unset <c>${NAME}</c>,
/// a refused address, an unreachable server, a wrong key or a loading server all end up in the report.
/// Nothing is cached: each call asks the server again. This class is thread-safe.</para>
/// <para>A supplied <see cref="HttpClient"/> keeps the private-network gate only when it was built on
/// <see cref="VllmHttpHandler.CreatePrimaryHandler"/>; the report's <see cref="VllmHealthReport.PrivateNetworkApproved"/>
/// always reflects the options.</para>
/// </remarks>
public sealed class VllmHealthProbe : IDisposable
{
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly VllmEndpoint? _endpoint;
    private readonly IReadOnlyList<string> _configurationProblems;
    private readonly VllmNetworkPolicy _policy;
    private readonly Uri? _baseUrl;
    private readonly string _modelsKey;
    private readonly string[] _configuredModelIds;
    private readonly VllmTransport? _transport;
    private readonly HttpClient? _ownedHttpClient;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The provider options; read now (later changes are not seen). Invalid options are reported by
    /// <see cref="ProbeAsync"/>, not thrown.</param>
    /// <param name="httpClient">The client to send requests with, or <see langword="null"/> to create a gated one (disposed with
    /// this instance). A supplied client is not disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public VllmHealthProbe(VllmProviderOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _baseUrl = options.BaseUrl;
        _modelsKey = options.GetSettingKey(nameof(VllmProviderOptions.Models));
        _policy = VllmNetworkPolicy.From(options);
        _logger = VllmLog.For(options);
        var problems = options.GetProblems();
        if (problems.Count > 0)
        {
            _configurationProblems = [VllmProviderOptions.ConfigurationException(problems).Message];
        }
        else
        {
            try
            {
                _endpoint = VllmEndpoint.Resolve(options);
                _configurationProblems = [];
            }
            catch (VllmException ex)
            {
                _configurationProblems = [ex.Message];
            }
        }

        _configuredModelIds = new string[options.Models?.Count ?? 0];
        for (var i = 0; i < _configuredModelIds.Length; i++)
        {
            _configuredModelIds[i] = options.Models![i]?.Id ?? string.Empty;
        }

        var client = VllmHttpClientFactory.Create(options, httpClient);
        _ownedHttpClient = ReferenceEquals(client, httpClient) ? null : client;
        _transport = _endpoint is null ? null : new VllmTransport(_endpoint, client);
    }

    /// <summary>Probes the server.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The report; <see cref="VllmHealthReport.IsHealthy"/> when nothing is wrong.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<VllmHealthReport> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var report = await ProbeCoreAsync(cancellationToken).ConfigureAwait(false);
        _logger.HealthProbed(report.BaseUrl ?? _baseUrl, report.IsHealthy, report.Reachable, report.AuthOk, report.Loading, report.ModelsDiscovered, report.Problems.Count);
        return report;
    }

    private async Task<VllmHealthReport> ProbeCoreAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is null || _transport is null)
        {
            return new VllmHealthReport(_baseUrl, _configurationProblems);
        }

        var endpoint = _endpoint;
        var transport = _transport;
        var problems = new List<string>();
        var modelsUrl = endpoint.Under("models");

        var (approved, reason, refusal) = await CheckGateAsync(endpoint.BaseUrl, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            problems.Add(refusal);
            return new VllmHealthReport(endpoint.BaseUrl, problems) { PrivateNetworkApproved = approved, PrivateNetworkReason = reason };
        }

        var reachable = false;
        var loading = false;
        var authOk = false;
        IReadOnlyList<string> modelIds = Array.Empty<string>();
        string? version = null;

        try
        {
            var health = await transport.GetAsync(endpoint.AtRoot("/health"), VllmDiscoveryHttp.MaxSmallBodyBytes, retry: false, cancellationToken).ConfigureAwait(false);
            reachable = true;
            if (health.Status == (int)HttpStatusCode.ServiceUnavailable)
            {
                loading = true;
                problems.Add($"The server is up but not ready: GET {endpoint.AtRoot("/health")} answered 503 (the model is still loading, or the engine stopped). Wait and retry; curl {endpoint.AtRoot("/health")} answers 200 when it is ready, and the vLLM server log says why it is not.");
            }

            var models = await transport.GetAsync(modelsUrl, endpoint.Options.MaxModelsBodyBytes, retry: false, cancellationToken).ConfigureAwait(false);
            authOk = models.Status is not ((int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden);
            if (models.IsSuccess)
            {
                modelIds = ReadModelIds(models, modelsUrl, endpoint, problems);
            }
            else if (!authOk)
            {
                problems.Add(endpoint.ApiKey is null
                    ? $"The server requires an API key: GET {modelsUrl} answered {models.Status.ToString(CultureInfo.InvariantCulture)}. {VllmErrors.NoKeySentHint(endpoint.SettingsPrefix)}"
                    : $"The server rejected the API key: GET {modelsUrl} answered {models.Status.ToString(CultureInfo.InvariantCulture)}. {VllmErrors.SetApiKey(endpoint.SettingsPrefix)} to the key the server was started with (--api-key).");
            }
            else if (models.Status == (int)HttpStatusCode.ServiceUnavailable)
            {
                if (!loading)
                {
                    loading = true;
                    problems.Add($"The server is up but not ready: GET {modelsUrl} answered 503. Wait and retry (curl {modelsUrl}); the vLLM server log says why.");
                }
            }
            else if (models.IsRedirect)
            {
                problems.Add(Sentence(VllmDiscoveryHttp.Redirected(modelsUrl, models)));
            }
            else if (models.Status == (int)HttpStatusCode.NotFound)
            {
                problems.Add($"GET {modelsUrl} answered 404: BaseUrl should be the server's OpenAI-compatible API, usually ending in /v1. Check with curl {modelsUrl}.");
            }
            else
            {
                problems.Add(Sentence(VllmErrors.FromResult(models, VllmErrorContext.For(endpoint))) + $" (curl {modelsUrl})");
            }

            version = await ReadVersionAsync(transport, cancellationToken).ConfigureAwait(false);
        }
        catch (VllmException ex)
        {
            problems.Add(Sentence(ex));
        }

        CheckConfiguredModels(modelIds, modelsUrl, problems);

        return new VllmHealthReport(endpoint.BaseUrl, problems)
        {
            Reachable = reachable,
            AuthOk = authOk,
            ModelsDiscovered = modelIds.Count,
            ModelIds = modelIds,
            PrivateNetworkApproved = approved,
            PrivateNetworkReason = reason,
            Loading = loading,
            ServerVersion = version,
        };
    }

    /// <summary>Disposes the <see cref="HttpClient"/> this instance created; a supplied client is left alone.</summary>
    public void Dispose() => _ownedHttpClient?.Dispose();

    private static IReadOnlyList<string> ReadModelIds(VllmHttpResult models, Uri modelsUrl, VllmEndpoint endpoint, List<string> problems)
    {
        if (models.TooLarge)
        {
            problems.Add($"The model list from {modelsUrl} is larger than MaxModelsBodyBytes ({endpoint.Options.MaxModelsBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes). Check that BaseUrl points at vLLM (curl {modelsUrl}), or raise MaxModelsBodyBytes.");
            return Array.Empty<string>();
        }

        try
        {
            var parsed = VllmDiscoveryHttp.ParseModels(models.Body.Span, modelsUrl);
            var ids = new string[parsed.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = parsed[i].Id;
            }

            if (ids.Length == 0)
            {
                problems.Add($"The server lists no models at {modelsUrl}. Start vLLM with a model (vllm serve <model>) and check with curl {modelsUrl}.");
            }

            return ids;
        }
        catch (VllmException ex)
        {
            problems.Add(Sentence(ex));
            return Array.Empty<string>();
        }
    }

    private void CheckConfiguredModels(IReadOnlyList<string> served, Uri modelsUrl, List<string> problems)
    {
        if (served.Count == 0)
        {
            return;
        }

        foreach (var id in _configuredModelIds)
        {
            var found = false;
            foreach (var servedId in served)
            {
                if (string.Equals(servedId, id, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                problems.Add($"The model '{id}' in {_modelsKey} is not served by the server (it serves: {string.Join(", ", served)}). Fix the model entry's Id, or start vLLM with --served-model-name {id} (curl {modelsUrl}).");
            }
        }
    }

    private static async Task<string?> ReadVersionAsync(VllmTransport transport, CancellationToken cancellationToken)
    {
        try
        {
            return (await VllmDiscoveryHttp.FetchServerInfoAsync(transport, cancellationToken).ConfigureAwait(false)).VersionText;
        }
        catch (VllmException)
        {
            // The version is informational; the other rows already say whether the server works.
            return null;
        }
    }

    private async Task<(bool Approved, string Reason, string? Refusal)> CheckGateAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var host = baseUrl.IdnHost;
        if (host.Length > 1 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Reported by the reachability row (host name not found).
                return (false, $"not checked: {host} could not be resolved", null);
            }
        }

        (IPAddress Address, string Range)? refused = null;
        foreach (var address in addresses)
        {
            var range = _policy.Refusal(address);
            if (range is null)
            {
                return (true, _policy.Approval(address), null);
            }

            refused ??= (address, range);
        }

        if (refused is not { } r)
        {
            return (false, $"not checked: {host} resolved to no address", null);
        }

        return (
            false,
            $"{r.Address} is a {r.Range} address and AllowPrivateNetwork is false",
            $"The private-network gate refuses {host} ({r.Address}, a {r.Range} address). {_policy.RefusalHint}");
    }

    private static string Sentence(VllmException ex)
    {
        if (ex.ServerMessage is null || ex.StatusCode is not null)
        {
            return ex.Message;
        }

        var text = ex.ServerMessage.TrimEnd();
        if (!text.EndsWith('.'))
        {
            text += ".";
        }

        return ex.Hint is null ? text : $"{text} {ex.Hint}";
    }
}
