using System.Collections.ObjectModel;

namespace Connectors.Vllm.Catalog;

/// <summary>
/// The discovery requests (<c>/v1/models</c>, <c>/version</c>) over <see cref="VllmTransport"/>, and the model-list parser
/// (<see cref="ParseModels"/>); the <c>/version</c> body is read by <see cref="VllmServerInfo.FromVersionBody"/>.
/// </summary>
internal static class VllmDiscoveryHttp
{
    /// <summary><c>/version</c> and <c>/health</c> bodies are tiny; anything larger is not vLLM's.</summary>
    public const int MaxSmallBodyBytes = 64 * 1024;

    /// <summary><c>GET {BaseUrl}/models</c>, converted. HTTP errors go through <see cref="VllmErrors.FromResult"/>.</summary>
    public static async Task<IReadOnlyList<VllmModelDefinition>> FetchModelsAsync(VllmTransport transport, CancellationToken cancellationToken)
    {
        var endpoint = transport.Endpoint;
        var url = endpoint.Under("models");
        var result = await transport.GetAsync(url, endpoint.Options.MaxModelsBodyBytes, retry: true, cancellationToken).ConfigureAwait(false);
        if (result.IsRedirect)
        {
            throw Redirected(url, result);
        }

        if (!result.IsSuccess)
        {
            throw VllmErrors.FromResult(result, VllmErrorContext.For(endpoint));
        }

        if (result.TooLarge)
        {
            throw VllmErrors.BodyTooLarge(
                $"The model list from {url}",
                endpoint.Options.MaxModelsBodyBytes,
                "MaxModelsBodyBytes",
                $"Check that BaseUrl points at a vLLM server (curl {url}), or raise MaxModelsBodyBytes if it really serves that many models.");
        }

        return ParseModels(result.Body.Span, url);
    }

    /// <summary><c>GET /version</c> at the server root. A server without it (404, any 4xx, or a body that is not
    /// vLLM's) gives an unknown version; 5xx is an error (not cached).</summary>
    public static async Task<VllmServerInfo> FetchServerInfoAsync(VllmTransport transport, CancellationToken cancellationToken, bool retry = false)
    {
        var endpoint = transport.Endpoint;
        var result = await transport.GetAsync(endpoint.AtRoot("/version"), MaxSmallBodyBytes, retry, cancellationToken).ConfigureAwait(false);
        if (result.Status >= 500)
        {
            throw VllmErrors.FromResult(result, VllmErrorContext.For(endpoint));
        }

        return result.IsSuccess && !result.TooLarge
            ? VllmServerInfo.FromVersionBody(endpoint.BaseUrl, result.Body.Span)
            : new VllmServerInfo(endpoint.BaseUrl, null);
    }

    /// <summary>Converts a <c>/v1/models</c> body: <c>max_model_len</c> (else Ray Serve's
    /// <c>metadata.max_request_context_length</c>) → ContextWindow (a LoRA adapter without one takes its parent's),
    /// <c>parent</c>/<c>root</c> kept, capabilities left undeclared, MaxTokens null. A router's aggregated list may name a model
    /// more than once (one card per replica): each id is kept once, at its first place, with the first context window any of
    /// its cards gives. Unknown fields are ignored and missing ones stay unset. Throws a <see cref="VllmException"/> for
    /// anything that is not a model list.</summary>
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

        var byId = new Dictionary<string, VllmModelDefinition>(list.Data.Count, StringComparer.Ordinal);
        var ordered = new List<VllmModelDefinition>(list.Data.Count);
        for (var i = 0; i < list.Data.Count; i++)
        {
            var card = list.Data[i];
            if (card is null || string.IsNullOrEmpty(card.Id))
            {
                throw NotAModelList(url, $"entry {i.ToString(CultureInfo.InvariantCulture)} of \"data\" has no \"id\"", null);
            }

            var parent = string.IsNullOrEmpty(card.Parent) ? null : card.Parent;
            var root = string.IsNullOrEmpty(card.Root) ? null : card.Root;
            if (byId.TryGetValue(card.Id, out var seen))
            {
                // The same model from another replica: fill what the first card left out.
                seen.ContextWindow ??= card.ContextLength;
                seen.Parent ??= parent;
                seen.Root ??= root;
                continue;
            }

            var model = new VllmModelDefinition { Id = card.Id, ContextWindow = card.ContextLength, Parent = parent, Root = root };
            byId.Add(card.Id, model);
            ordered.Add(model);
        }

        var models = ordered.ToArray();
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
}
