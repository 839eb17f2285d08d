using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Diagnostics;
using Connectors.Vllm.Errors;
using Connectors.Vllm.Http;

namespace Connectors.Vllm.Tokenization;

/// <summary>
/// Plain <see cref="HttpClient"/> calls for vLLM's routes that the OpenAI SDK does not model
/// (<c>/tokenize</c>, <c>/detokenize</c>, <c>/rerank</c>, <c>/score</c>): key and headers from
/// <see cref="VllmEndpoint"/>, this library's <c>User-Agent</c>, the first-byte timeout, a bounded body, retries of these idempotent
/// calls on 429/503 and refused connections, and vLLM's errors as <see cref="VllmException"/>.
/// </summary>
internal sealed class VllmPlainHttp : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _httpClient;
    private readonly HttpClient? _ownedHttpClient;
    private readonly VllmProviderOptions _options;

    public VllmPlainHttp(VllmProviderOptions options, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Endpoint = VllmEndpoint.Resolve(options);
        _httpClient = VllmHttpClientFactory.Create(options, httpClient);
        _ownedHttpClient = ReferenceEquals(_httpClient, httpClient) ? null : _httpClient;
    }

    /// <summary>Disposes the client this instance created (never the caller's).</summary>
    public void Dispose() => _ownedHttpClient?.Dispose();

    public VllmEndpoint Endpoint { get; }

    /// <summary>The configured model entry for <paramref name="modelId"/>, or <see langword="null"/>.</summary>
    public VllmModelDefinition? FindModel(string? modelId)
    {
        if (modelId is null)
        {
            return _options.Models.Count == 1 ? _options.Models[0] : null;
        }

        foreach (var model in _options.Models)
        {
            if (string.Equals(model.Id, modelId, StringComparison.Ordinal))
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and returns the success body; throws <see cref="VllmException"/> otherwise.</summary>
    /// <param name="url">The route.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="model">The model the body names, for hints.</param>
    /// <param name="missingRouteHint">The hint when the server has no such route (bare 404): the routes tried and what serves them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="VllmException">The server answered an error status, could not be reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<byte[]> PostJsonAsync(Uri url, ReadOnlyMemory<byte> body, string? model, string missingRouteHint, CancellationToken cancellationToken)
    {
        var retry = _options.Retry;
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.FirstByteTimeout);
            TimeSpan? retryAfter = null;
            Exception? failure;
            string reason;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url);
                var content = new ReadOnlyMemoryContent(body);
                content.Headers.ContentType = JsonContentType;
                request.Content = content;
                Endpoint.Apply(request);
                if (!request.Headers.Contains("User-Agent"))
                {
                    // As on the OpenAI SDK path (VllmPayloadPolicy): this library names itself unless a configured header says otherwise.
                    request.Headers.TryAddWithoutValidation("User-Agent", VllmUserAgent.Value);
                }

                using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var bytes = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return bytes;
                }

                var status = (int)response.StatusCode;
                failure = VllmErrors.FromResponse(status, bytes, Context(model) with { MissingRouteHint = missingRouteHint });
                if (status is not (429 or 503))
                {
                    throw failure;
                }

                retryAfter = RetryAfter(response);
                reason = status.ToString(CultureInfo.InvariantCulture);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new VllmException(
                    null,
                    $"No answer from {url} within {_options.FirstByteTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
                    "The server is busy or stuck; raise Vllm:FirstByteTimeout or check the vLLM server log.");
            }
            catch (HttpRequestException ex)
            {
                failure = VllmTransportErrors.Translate(ex, Endpoint.BaseUrl);
                if (VllmTransportErrors.FindVllmException(ex) is not null)
                {
                    throw failure; // the private-network gate refused the address: retrying cannot help
                }

                reason = "connection failed";
            }

            var delay = VllmBackoff.Delay(retry, attempt, retryAfter);
            if (!VllmBackoff.CanRetry(retry, attempt, Stopwatch.GetElapsedTime(started), delay))
            {
                throw failure;
            }

            Endpoint.Logger.RetryScheduled("POST", url, reason, (long)delay.TotalMilliseconds, attempt + 1, retry.MaxAttempts);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The error context for hints.</summary>
    public VllmErrorContext Context(string? model)
        => VllmErrorContext.For(Endpoint, model, contextWindow: FindModel(model)?.ContextWindow);

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } length && length > limit)
        {
            throw TooLarge(limit);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var initial = response.Content.Headers.ContentLength is { } known ? (int)known : 4096;
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
            var used = 0;
            try
            {
                while (true)
                {
                    if (used == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, used).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(used), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    used += read;
                    if (used > limit)
                    {
                        throw TooLarge(limit);
                    }
                }

                return buffer.AsSpan(0, used).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static VllmException TooLarge(long limit)
        => new(null, $"The response is larger than {limit.ToString(CultureInfo.InvariantCulture)} bytes.", "Raise Vllm:MaxResponseBytes, or send fewer inputs per call.");

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
