using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Diagnostics;
using Connectors.Vllm.Errors;
using Connectors.Vllm.Http;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm.Discovery;

/// <summary>
/// The discovery and health requests (<c>/v1/models</c>, <c>/version</c>, <c>/health</c>): bounded bodies,
/// the first-byte timeout, and every failure turned into a <see cref="VllmException"/>. Pure parsing lives in
/// <see cref="ParseModels"/> and <see cref="ParseVersion"/>.
/// </summary>
internal static class VllmDiscoveryHttp
{
    /// <summary>Error bodies are only quoted, so a small cap is enough.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary><c>/version</c> and <c>/health</c> bodies are tiny; anything larger is not vLLM's.</summary>
    public const int MaxSmallBodyBytes = 64 * 1024;

    private static readonly MediaTypeWithQualityHeaderValue JsonAccept = new("application/json");

    /// <summary>Sends a GET with the key and headers; returns status and body, or throws a <see cref="VllmException"/>
    /// for a refused, failed or timed-out connection. With <paramref name="retry"/>, a refused connection, 429 and 503
    /// are retried on the shared schedule (<see cref="VllmBackoff"/>, honouring <c>Retry-After</c>); the health probe
    /// does not retry, because it reports what it sees.</summary>
    public static async Task<VllmHttpResult> GetAsync(HttpClient client, VllmEndpoint endpoint, Uri url, int maxBodyBytes, CancellationToken cancellationToken, bool retry = false)
    {
        var options = endpoint.Options.Retry ?? new VllmRetryOptions();
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            string reason;
            try
            {
                var result = await SendOnceAsync(client, endpoint, url, maxBodyBytes, cancellationToken).ConfigureAwait(false);
                if (!retry || result.Status is not (429 or 503))
                {
                    return result;
                }

                delay = VllmBackoff.Delay(options, attempt, result.RetryAfter);
                if (!VllmBackoff.CanRetry(options, attempt, Stopwatch.GetElapsedTime(started), delay))
                {
                    return result;
                }

                reason = result.Status.ToString(CultureInfo.InvariantCulture);
            }
            catch (VllmException ex) when (retry && IsConnectionRefused(ex)
                && VllmBackoff.CanRetry(options, attempt, Stopwatch.GetElapsedTime(started), delay = VllmBackoff.Delay(options, attempt)))
            {
                reason = "connection refused";
            }

            endpoint.Logger.RetryScheduled("GET", url, reason, (long)delay.TotalMilliseconds, attempt + 1, options.MaxAttempts);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsConnectionRefused(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<VllmHttpResult> SendOnceAsync(HttpClient client, VllmEndpoint endpoint, Uri url, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var firstByteTimeout = endpoint.Options.FirstByteTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (firstByteTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(firstByteTimeout);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        endpoint.Apply(request);
        request.Headers.Accept.Add(JsonAccept);

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var limit = status is >= 200 and < 300 ? maxBodyBytes : MaxErrorBodyBytes;
            var (body, tooLarge) = await ReadBoundedAsync(response.Content, limit, timeout.Token).ConfigureAwait(false);
            return new VllmHttpResult(status, body, tooLarge, response.Headers.Location) { RetryAfter = RetryAfter(response) };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && VllmErrors.IsConnectTimeout(ex))
        {
            throw VllmErrors.ConnectTimedOut(endpoint.BaseUrl, endpoint.Options.ConnectTimeout, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VllmException(
                null,
                $"The server at {endpoint.BaseUrl} did not answer GET {url.AbsolutePath} within {firstByteTimeout}.",
                $"Check that the server is running and not overloaded (curl {endpoint.Under("models")}), or raise FirstByteTimeout.",
                ex);
        }
        catch (HttpRequestException ex)
        {
            throw VllmTransportErrors.Translate(ex, endpoint.BaseUrl);
        }
        catch (IOException ex)
        {
            throw VllmErrors.ConnectionFailed(endpoint.BaseUrl, ex);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
        => response.Headers.TryGetValues("Retry-After", out var values)
            && VllmBackoff.TryParseRetryAfter(string.Join(",", values), out var delay) ? delay : null;

    /// <summary><c>GET {BaseUrl}/models</c>, converted. HTTP errors go through <see cref="VllmErrors.FromResponse"/>.</summary>
    public static async Task<IReadOnlyList<VllmModelDefinition>> FetchModelsAsync(HttpClient client, VllmEndpoint endpoint, CancellationToken cancellationToken)
    {
        var url = endpoint.Under("models");
        var result = await GetAsync(client, endpoint, url, endpoint.Options.MaxModelsBodyBytes, cancellationToken, retry: true).ConfigureAwait(false);
        if (result.IsRedirect)
        {
            throw Redirected(url, result);
        }

        if (!result.IsSuccess)
        {
            throw VllmErrors.FromResponse(result.Status, result.Body, VllmErrorContext.For(endpoint));
        }

        if (result.TooLarge)
        {
            throw new VllmException(
                null,
                $"The model list from {url} is larger than MaxModelsBodyBytes ({endpoint.Options.MaxModelsBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes).",
                $"Check that BaseUrl points at a vLLM server (curl {url}), or raise MaxModelsBodyBytes if it really serves that many models.");
        }

        return ParseModels(result.Body, url);
    }

    /// <summary><c>GET /version</c> at the server root. A server without it (404, any 4xx, or a body that is not
    /// vLLM's) gives an unknown version; 5xx is an error (not cached).</summary>
    public static async Task<VllmServerInfo> FetchServerInfoAsync(HttpClient client, VllmEndpoint endpoint, CancellationToken cancellationToken, bool retry = false)
    {
        var result = await GetAsync(client, endpoint, endpoint.AtRoot("/version"), MaxSmallBodyBytes, cancellationToken, retry).ConfigureAwait(false);
        if (result.Status >= 500)
        {
            throw VllmErrors.FromResponse(result.Status, result.Body, VllmErrorContext.For(endpoint));
        }

        var version = result.IsSuccess && !result.TooLarge ? ParseVersion(result.Body) : null;
        return new VllmServerInfo(endpoint.BaseUrl, version);
    }

    /// <summary>Converts a <c>/v1/models</c> body: <c>max_model_len</c> → ContextWindow (a LoRA adapter takes its parent's),
    /// <c>parent</c>/<c>root</c> kept,
    /// capabilities left undeclared, MaxTokens null. Throws a <see cref="VllmException"/> for anything that is not a model list.</summary>
    public static IReadOnlyList<VllmModelDefinition> ParseModels(ReadOnlySpan<byte> body, Uri url)
    {
        VllmModelListResponse? list;
        try
        {
            list = JsonSerializer.Deserialize(body, VllmDiscoveryJsonContext.Default.VllmModelListResponse);
        }
        catch (JsonException ex)
        {
            throw NotAModelList(url, $"not valid JSON of the expected shape: {ex.Message}", ex);
        }

        if (list is null)
        {
            throw NotAModelList(url, "the body is JSON null", null);
        }

        if (list.Object is not null && !string.Equals(list.Object, "list", StringComparison.Ordinal))
        {
            throw NotAModelList(url, $"\"object\" is \"{list.Object}\", not \"list\"", null);
        }

        if (list.Data is null)
        {
            throw NotAModelList(url, "it has no \"data\" array", null);
        }

        var models = new VllmModelDefinition[list.Data.Count];
        for (var i = 0; i < models.Length; i++)
        {
            var card = list.Data[i];
            if (card is null || string.IsNullOrEmpty(card.Id))
            {
                throw NotAModelList(url, $"entry {i.ToString(CultureInfo.InvariantCulture)} of \"data\" has no \"id\"", null);
            }

            models[i] = new VllmModelDefinition
            {
                Id = card.Id,
                ContextWindow = card.MaxModelLen is > 0 ? card.MaxModelLen : null,
                Parent = string.IsNullOrEmpty(card.Parent) ? null : card.Parent,
                Root = string.IsNullOrEmpty(card.Root) ? null : card.Root,
            };
        }

        InheritParentWindows(models);
        return new ReadOnlyCollection<VllmModelDefinition>(models);
    }

    /// <summary>A LoRA adapter's card has no <c>max_model_len</c>, but the adapter runs inside its base model's window:
    /// give it the window of the card its <c>parent</c> names (in the same list), so token budgets and context hints work
    /// for adapters too. An adapter whose parent is not listed (or has no window) keeps <see langword="null"/>.</summary>
    private static void InheritParentWindows(VllmModelDefinition[] models)
    {
        Dictionary<string, int>? windows = null;
        foreach (var model in models)
        {
            if (model.Parent is not null && model.ContextWindow is null)
            {
                if (windows is null)
                {
                    windows = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var candidate in models)
                    {
                        if (candidate.Parent is null && candidate.ContextWindow is { } window)
                        {
                            windows.TryAdd(candidate.Id, window);
                        }
                    }
                }

                if (windows.TryGetValue(model.Parent, out var parentWindow))
                {
                    model.ContextWindow = parentWindow;
                }
            }
        }
    }

    /// <summary>The <c>version</c> of a <c>/version</c> body, or <see langword="null"/> when the body is not <c>{"version":"…"}</c>.</summary>
    public static string? ParseVersion(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, VllmDiscoveryJsonContext.Default.VllmVersionResponse)?.Version;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Redirects are never followed (a redirect could lead past the private-network gate's decision); say where it pointed.</summary>
    public static VllmException Redirected(Uri url, VllmHttpResult result)
    {
        var target = result.Location is null ? "another address" : result.Location.IsAbsoluteUri ? result.Location.ToString() : new Uri(url, result.Location).ToString();
        return new VllmException(
            (System.Net.HttpStatusCode)result.Status,
            $"GET {url} was redirected to {target}, and redirects are not followed.",
            "Set BaseUrl to the address the server redirects to (it usually ends in /v1).");
    }

    private static VllmException NotAModelList(Uri url, string detail, Exception? inner)
        => new(
            null,
            $"The answer of GET {url} is not a vLLM model list ({detail}).",
            $"Check that BaseUrl points at the OpenAI-compatible API of a vLLM server; it usually ends in /v1 (curl {url}).",
            inner);

    private static async Task<(byte[] Body, bool TooLarge)> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Min(limit, Array.MaxLength - 1);
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            return (Array.Empty<byte>(), true);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[(int)Math.Min(content.Headers.ContentLength ?? 16 * 1024, limit) + 1];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return (Array.Empty<byte>(), true);
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > limit)
            {
                return (Array.Empty<byte>(), true);
            }

            return (length == buffer.Length ? buffer : buffer.AsSpan(0, length).ToArray(), false);
        }
    }
}
