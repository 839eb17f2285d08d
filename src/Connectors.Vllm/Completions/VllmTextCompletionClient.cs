using System.Runtime.CompilerServices;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;
using Microsoft.SemanticKernel;

namespace Connectors.Vllm.Completions;

/// <summary>
/// vLLM's <c>/v1/completions</c> (text completion for base models), through the one transport: the body from
/// <see cref="VllmCompletionRequestWriter"/>, the answer (whole or streamed) read by the one choice reader
/// (<see cref="VllmChatStreamParser"/>), failures from the one error factory.
/// </summary>
internal sealed class VllmTextCompletionClient : IDisposable
{
    private readonly VllmNativeRouteClient _http;
    private readonly Uri _url;
    private readonly string _missingRoute;

    public VllmTextCompletionClient(VllmProviderOptions options, string? defaultModelId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = new VllmNativeRouteClient(options, defaultModelId, httpClient);
        _url = _http.Endpoint.Under("completions");
        _missingRoute = $"The server has no {_url.AbsolutePath} route: vLLM serves it for text-generation models (a speech-only or embedding model serves none). Serve a base or instruct model for text generation, or point BaseUrl at the server that does.";
    }

    /// <summary>Gets the model used when the settings name none, or <see langword="null"/>.</summary>
    public string? DefaultModelId => _http.DefaultModelId;

    public void Dispose() => _http.Dispose();

    /// <summary>One whole completion: choice 0's update (text, finish reason, vLLM fields) and the reader's state (id, model, usage).</summary>
    public async Task<(ChatResponseUpdate Update, VllmChatStreamParser Parser)> CompleteAsync(string prompt, PromptExecutionSettings? settings, CancellationToken cancellationToken)
    {
        var model = ModelFor(settings);
        using var content = new VllmJsonContent(VllmCompletionRequestWriter.Write(prompt, model, settings, stream: false));
        using var response = await _http.PostAsync(_url, content, "application/json", stream: false, model, _missingRoute, cancellationToken).ConfigureAwait(false);
        var body = await _http.ReadBodyAsync(response, model, cancellationToken).ConfigureAwait(false);
        try
        {
            var update = VllmChatStreamParser.ReadCompletion(body.Span, out var parser, model)
                ?? throw new VllmException(null, "The server's answer is not a text completion (it has no choices).", "Check that BaseUrl points at vLLM's OpenAI-compatible /v1 endpoint.");
            return (update, parser);
        }
        catch (JsonException ex)
        {
            throw new VllmException(null, "The server's answer is not valid JSON.", "Check that BaseUrl points at vLLM's OpenAI-compatible /v1 endpoint and not at a proxy's error page.", ex);
        }
    }

    /// <summary>A streamed completion: one update per chunk that carries text or the finish reason, then (when the server
    /// sent usage) one with the <see cref="UsageContent"/>.</summary>
    public async IAsyncEnumerable<(ChatResponseUpdate Update, VllmChatStreamParser Parser)> StreamAsync(string prompt, PromptExecutionSettings? settings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = ModelFor(settings);
        using var content = new VllmJsonContent(VllmCompletionRequestWriter.Write(prompt, model, settings, stream: true));
        using var response = await _http.PostAsync(_url, content, "application/json", stream: true, model, _missingRoute, cancellationToken).ConfigureAwait(false);
        var parser = new VllmChatStreamParser(await _http.ContextAsync(model, cancellationToken).ConfigureAwait(false));
        using var reader = await _http.OpenStreamAsync(response, model, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (parser.Parse(reader.Data) is { } update)
            {
                yield return (update, parser);
            }

            if (parser.Done)
            {
                break;
            }
        }

        parser.EnsureComplete(reader.BytesRead);
        if (parser.CreateUsageUpdate() is { } usage)
        {
            yield return (usage, parser);
        }
    }

    private string? ModelFor(PromptExecutionSettings? settings)
        => _http.ModelFor(settings?.ModelId is { Length: > 0 } id ? id : null);
}
