using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm;

/// <summary>
/// The server's own tokenizer: vLLM's <c>/tokenize</c> and <c>/detokenize</c> routes (at the server root,
/// not under <c>/v1</c>). Counts the tokens of text, or of chat messages rendered by the model's chat
/// template exactly as a chat request would be, and reports the model's context window.
/// </summary>
/// <remarks>
/// <para>vLLM does not guard these routes with the API key; the key and configured headers are sent anyway
/// (a proxy in front of vLLM may want them).</para>
/// <para>Thread-safe; one instance can serve concurrent calls. Disposing it releases the <see cref="HttpClient"/> it created
/// (never one passed in).</para>
/// </remarks>
public sealed class VllmTokenizer : IDisposable
{
    private readonly VllmNativeRouteClient _http;
    private readonly Uri _tokenizeUrl;
    private readonly Uri _detokenizeUrl;
    private readonly string _tokenizeMissing;
    private readonly string _detokenizeMissing;
    private readonly bool _sendMessageNames;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="defaultModelId">The model whose tokenizer is used when a call names none; <see langword="null"/> lets the
    /// server pick its first served model. A <c>vllm/</c> prefix is removed.</param>
    /// <param name="httpClient">The client to send with; <see langword="null"/> creates one with the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    public VllmTokenizer(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new VllmNativeRouteClient(options, defaultModelId, httpClient);
        _sendMessageNames = options.SendMessageNames;
        _tokenizeUrl = _http.Endpoint.AtRoot("/tokenize");
        _tokenizeMissing = MissingRouteHint("/tokenize", _tokenizeUrl);
        _detokenizeUrl = _http.Endpoint.AtRoot("/detokenize");
        _detokenizeMissing = MissingRouteHint("/detokenize", _detokenizeUrl);
    }

    /// <summary>Gets the model used when a call names none, or <see langword="null"/>.</summary>
    public string? DefaultModelId => _http.DefaultModelId;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    internal VllmNativeRouteClient Http => _http;

    // RS0026: the overloads below differ in their first parameter's type (text vs. messages), so optional
    // trailing parameters cannot make a call ambiguous; MEAI's own clients use the same shape.
#pragma warning disable RS0026

    /// <summary>Tokenizes plain text (vLLM's completion form).</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens, their count and the model's context window.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server failed or could not be reached.</exception>
    public Task<VllmTokenizeResult> TokenizeAsync(string text, VllmTokenizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var model = ModelFor(options);
        var body = VllmRequestJson.Build(model, writer =>
        {
            writer.WriteString("prompt", text);
            if (options?.AddSpecialTokens is { } special)
            {
                writer.WriteBoolean("add_special_tokens", special);
            }

            if (options?.ReturnTokenStrings == true)
            {
                writer.WriteBoolean("return_token_strs", true);
            }
        });
        return SendTokenizeAsync(body, model, options, cancellationToken);
    }

    /// <summary>Tokenizes chat messages rendered by the model's chat template (vLLM's chat form), as a chat request would be.</summary>
    /// <param name="messages">The messages, mapped to the OpenAI message JSON shape.</param>
    /// <param name="options">Options (tools, template arguments), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens, their count and the model's context window.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Media vLLM cannot take, or a modality the model entry's Input does not declare.</exception>
    /// <exception cref="ArgumentException">More inline media than <see cref="VllmProviderOptions.MaxInlineMediaBytes"/>.</exception>
    /// <exception cref="VllmException">The server failed or could not be reached.</exception>
    public Task<VllmTokenizeResult> TokenizeAsync(IEnumerable<ChatMessage> messages, VllmTokenizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = ModelFor(options);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? new List<ChatMessage>(messages);
        return TokenizeChatAsync(list, model, options, cancellationToken);
    }

    private async Task<VllmTokenizeResult> TokenizeChatAsync(IReadOnlyCollection<ChatMessage> messages, string? model, VllmTokenizeOptions? options, CancellationToken cancellationToken)
    {
        // The media checks of a chat request (types vLLM takes, the model entry's Input, MaxInlineMediaBytes): the count is
        // of what a chat request would send, and nothing is sent that the chat request would refuse.
        var entry = await _http.FindModelAsync(model, cancellationToken).ConfigureAwait(false);
        VllmChatMedia.Check(messages, entry, _http.Endpoint);
        var body = BuildChatBody(messages, model, options, options?.Tools, _sendMessageNames);
        return await SendTokenizeAsync(body, model, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts the tokens of plain text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server failed or could not be reached.</exception>
    public async Task<int> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = await TokenizeAsync(text, null, cancellationToken).ConfigureAwait(false);
        return result.Count;
    }

    /// <summary>Counts the tokens of chat messages as the model's chat template renders them (generation prompt included).</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token count of the rendered prompt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server failed or could not be reached.</exception>
    public async Task<int> CountTokensAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = await TokenizeAsync(messages, null, cancellationToken).ConfigureAwait(false);
        return result.Count;
    }

#pragma warning restore RS0026

    /// <summary>Turns token ids back into text (vLLM's <c>/detokenize</c>).</summary>
    /// <param name="tokens">The token ids (each ≥ 0).</param>
    /// <param name="modelId">The model whose tokenizer is used; <see langword="null"/> for the default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server failed or could not be reached.</exception>
    public async Task<string> DetokenizeAsync(IEnumerable<int> tokens, string? modelId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var model = _http.ModelFor(modelId);
        var body = VllmRequestJson.Build(model, writer =>
        {
            writer.WriteStartArray("tokens");
            foreach (var token in tokens)
            {
                writer.WriteNumberValue(token);
            }

            writer.WriteEndArray();
        });
        var bytes = await _http.PostJsonAsync(_detokenizeUrl, body, model, _detokenizeMissing, call: null, cancellationToken).ConfigureAwait(false);
        var response = Deserialize(bytes, PoolingWireJsonContext.Default.DetokenizeResponse, "/detokenize");
        return response.Prompt ?? string.Empty;
    }

    /// <summary>The chat-form body: <c>messages</c> and <c>tools</c> written by the chat request's own writer, so the count is
    /// of what a chat request sends (instructions merged, the history's reasoning included); <paramref name="tools"/>
    /// overrides the options' tools.</summary>
    /// <remarks>The server's version is not asked for here: the forms of a current server are written (those of
    /// <see cref="VllmServerFeatures.Unknown"/>), as a chat request to a server of unknown version does.</remarks>
    internal static byte[] BuildChatBody(IEnumerable<ChatMessage> messages, string? model, VllmTokenizeOptions? options, IList<AITool>? tools, bool sendMessageNames = true)
        => VllmRequestJson.Build(model, writer =>
        {
            var features = VllmServerFeatures.Unknown;
            var list = messages as IReadOnlyCollection<ChatMessage> ?? new List<ChatMessage>(messages);
            var reasoningField = VllmChatRequestWriter.HasAssistantReasoning(list) ? features.ReasoningInputField : null;
            VllmChatRequestWriter.WriteMessages(writer, list, options?.Instructions, reasoningField, sendMessageNames);
            writer.WriteBoolean("add_generation_prompt", options?.AddGenerationPrompt ?? (options?.ContinueFinalMessage != true));
            if (options?.ContinueFinalMessage is { } continueFinal)
            {
                writer.WriteBoolean("continue_final_message", continueFinal);
            }

            if (options?.AddSpecialTokens is { } special)
            {
                writer.WriteBoolean("add_special_tokens", special);
            }

            if (options?.ReturnTokenStrings == true)
            {
                writer.WriteBoolean("return_token_strs", true);
            }

            VllmChatRequestWriter.WriteTools(writer, tools, features.ToolStrict);
            if (options?.ChatTemplateKwargs is { Count: > 0 } kwargs)
            {
                writer.WritePropertyName("chat_template_kwargs");
                VllmRequestJson.Write(writer, kwargs);
            }
        });

    internal string? ModelFor(VllmTokenizeOptions? options)
        => _http.ModelFor(options?.ModelId);

    internal async Task<VllmTokenizeResult> SendTokenizeAsync(byte[] body, string? model, VllmTokenizeOptions? options, CancellationToken cancellationToken)
    {
        var bytes = await _http.PostJsonAsync(_tokenizeUrl, body, model, _tokenizeMissing, options?.CallHeaders(), cancellationToken).ConfigureAwait(false);
        var response = Deserialize(bytes, PoolingWireJsonContext.Default.TokenizeResponse, "/tokenize");
        var tokens = response.Tokens ?? [];
        return new VllmTokenizeResult(response.Count, response.MaxModelLen, tokens, response.TokenStrs);
    }

    /// <summary>What to do when the server answers a bare 404 for <paramref name="route"/>: vLLM always has it, so something else answered.</summary>
    private static string MissingRouteHint(string route, Uri url)
        => $"The server has no {route} route (tried {url}). Every vLLM server offers /tokenize and /detokenize at the server root "
            + "(not under /v1), whatever the model, so the server at BaseUrl is not vLLM or a proxy in front of it forwards only /v1: "
            + "point BaseUrl at the vLLM server itself, or let the proxy forward /tokenize and /detokenize.";

    internal static T Deserialize<T>(ReadOnlyMemory<byte> bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string route)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(bytes.Span, typeInfo)
                ?? throw new VllmException(null, $"The server answered {route} with 'null'.", "Check that BaseUrl points at a vLLM server.");
        }
        catch (JsonException ex)
        {
            throw new VllmException(null, $"The server's {route} answer is not the JSON vLLM sends ({ex.Message}).", "Check that BaseUrl points at a vLLM server (other OpenAI-compatible servers may not offer this route).", ex);
        }
    }
}
