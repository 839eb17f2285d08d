using System.Runtime.CompilerServices;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;
using OpenAI;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm;

/// <summary>
/// An <see cref="IChatClient"/> for vLLM (and other OpenAI-compatible servers): vLLM's sampling and structured-output
/// extras, reasoning as <see cref="TextReasoningContent"/>, exactly one usage report per stream, tool calls, and
/// errors that say what to change.
/// </summary>
/// <remarks>
/// <para>Requests are mapped with MEAI's OpenAI helpers and sent through the OpenAI SDK's pipeline (retries with
/// <c>Retry-After</c>, the private-network gate, <see cref="VllmProviderOptions.FirstByteTimeout"/>); responses and
/// streams are read directly from the wire. vLLM extras go in <see cref="ChatOptions.AdditionalProperties"/> under their
/// wire names; see <see cref="VllmChatOptionsExtensions"/>.</para>
/// <para>Media: <see cref="DataContent"/> and <see cref="UriContent"/> of <c>image/*</c>, <c>audio/*</c> and <c>video/*</c>
/// go in vLLM's part shapes (<c>image_url</c>; <c>input_audio</c> for inline wav and mp3, <c>audio_url</c> for any other
/// audio; <c>video_url</c>), inline bytes base64-encoded straight into the body, at most
/// <see cref="VllmProviderOptions.MaxInlineMediaBytes"/> per request (else <see cref="ArgumentException"/>). Media vLLM
/// cannot take (a PDF, any other document, a <see cref="HostedFileContent"/>) fails with <see cref="NotSupportedException"/>
/// before anything is sent.</para>
/// <para>Capabilities are never guessed: when the model entry declares <see cref="VllmModelDefinition.Input"/> without
/// <c>"image"</c>, <c>"audio"</c> or <c>"video"</c> and the request has such media, <see cref="VllmModelDefinition.Tools"/> = <see langword="false"/>, or
/// <see cref="VllmModelDefinition.Reasoning"/> = <see langword="false"/> (and a reasoning effort other than none is asked
/// for), such requests fail with <see cref="NotSupportedException"/> before anything is sent; undeclared capabilities pass
/// through. <see cref="ChatOptions.Reasoning"/> is sent as <c>reasoning_effort</c> (in a value the server's version
/// accepts) and <see cref="ReasoningOutput.None"/> as <c>include_reasoning: false</c>.</para>
/// <para>Thread-safe. Dispose it to release the <see cref="HttpClient"/> it created (a supplied one is left alone).</para>
/// </remarks>
public sealed partial class VllmChatClient : IChatClient
{
    private readonly VllmProviderOptions _options;
    private readonly VllmEndpoint _endpoint;
    private readonly OpenAIClient _openAIClient;
    private readonly ChatClient _chatClient;
    private readonly VllmTransport _transport;
    private readonly VllmServerFacts _facts;
    private readonly string? _defaultModelId;
    private readonly ChatClientMetadata _metadata;
    private readonly VllmUnknownKeyReporter _extraKeys;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The server, key, models and limits; validated and read now.</param>
    /// <param name="defaultModelId">The model used when <see cref="ChatOptions.ModelId"/> is not set, written
    /// <c>vllm/&lt;id&gt;</c> or <c>&lt;id&gt;</c>; <see langword="null"/> for the only configured or served model.</param>
    /// <param name="httpClient">The client to send with, or <see langword="null"/> to create one with the private-network
    /// gate. A supplied client keeps the gate only when built on <see cref="VllmHttpHandler.CreatePrimaryHandler"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    /// <exception cref="VllmException">The options are invalid, or a <c>${NAME}</c> they reference is not set.</exception>
    public VllmChatClient(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        defaultModelId = VllmNativeRouteClient.CheckDefaultModelId(defaultModelId);
        options.Validate();
        _options = options;
        _endpoint = VllmEndpoint.Resolve(options);
        _transport = new VllmTransport(_endpoint, httpClient);
        _openAIClient = VllmOpenAIClientFactory.Create(_transport);
        _chatClient = _openAIClient.GetChatClient(defaultModelId ?? "default");
        _facts = new VllmServerFacts(options, _transport);
        _defaultModelId = defaultModelId;
        var metadataModel = defaultModelId ?? (options.Models.Count == 1 ? options.Models[0].Id : null);
        _metadata = new ChatClientMetadata(VllmModelRef.ProviderName, options.BaseUrl, metadataModel);
        _extraKeys = VllmUnknownKeyReporter.ForChat(_endpoint.Logger);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server answered with an error, could not be reached, or sent something unreadable.</exception>
    /// <exception cref="NotSupportedException">The model entry declares that it cannot take images or tools or cannot reason and the
    /// request has them or asks for a reasoning effort, or <c>AdditionalProperties["n"]</c> asks for more than one answer.</exception>
    /// <exception cref="ArgumentException">The reasoning effort asked for is not one vLLM knows.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<MeaiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        messages = AsCollection(messages);
        var request = await PrepareAsync(messages, options, stream: false, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(messages, options, request, cancellationToken).ConfigureAwait(false);
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        ChatResponse answer;
        try
        {
            answer = VllmChatResponseReader.Read(body, request, _endpoint.Logger, VllmToolCallRecoverer.For(options, _options.ToolCallRecovery, _endpoint.Logger));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new VllmException(null, "The server's answer is not valid JSON.", "Check that BaseUrl points at an OpenAI-compatible /v1 endpoint and not at a proxy's error page.", ex)
            {
                RequestId = VllmRequestHeaders.ReportedId(response, request.Call.RequestId),
            };
        }

        (answer.AdditionalProperties ??= [])[RequestIdProperty] = VllmRequestHeaders.ReportedId(response, request.Call.RequestId);
        return answer;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The server answered with an error (before or inside the stream), could not be reached,
    /// stalled longer than <see cref="VllmProviderOptions.StreamIdleTimeout"/>, or ended the stream before it was complete.</exception>
    /// <exception cref="NotSupportedException">The model entry declares that it cannot take images or tools or cannot reason and the
    /// request has them or asks for a reasoning effort, or <c>AdditionalProperties["n"]</c> asks for more than one answer.</exception>
    /// <exception cref="ArgumentException">The reasoning effort asked for is not one vLLM knows.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<MeaiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Answers <see cref="ChatClientMetadata"/> (provider <c>"vllm"</c>, the base URL, the default model), this
    /// client, the underlying <see cref="OpenAIClient"/> / <see cref="ChatClient"/>, and the <see cref="VllmModelDiscovery"/>;
    /// <see langword="null"/> for anything else or any non-null key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType is null ? throw new ArgumentNullException(nameof(serviceType)) :
        serviceKey is not null ? null :
        serviceType == typeof(ChatClientMetadata) ? _metadata :
        serviceType == typeof(OpenAIClient) ? _openAIClient :
        serviceType == typeof(ChatClient) ? _chatClient :
        serviceType == typeof(VllmModelDiscovery) ? _facts.Discovery :
        serviceType.IsInstanceOfType(this) ? this :
        null;

    /// <summary>Releases the <see cref="HttpClient"/> this instance created; a supplied one is left alone.</summary>
    public void Dispose()
    {
        _facts.Dispose();
        _transport.Dispose();
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<MeaiChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        messages = AsCollection(messages);
        var request = await PrepareAsync(messages, options, stream: true, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(messages, options, request, cancellationToken).ConfigureAwait(false);
        var requestId = VllmRequestHeaders.ReportedId(response, request.Call.RequestId);
        var parser = new VllmChatStreamParser(ErrorContext(request, servedModels: null, requestId), VllmToolCallRecoverer.For(options, _options.ToolCallRecovery, _endpoint.Logger));
        var first = true;
        using var reader = new VllmSseReader(response.ContentStream!, _options.MaxSseLineBytes, _options.StreamIdleTimeout, cancellationToken, _endpoint, requestId);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            // Chunks already buffered must not outlive the caller's cancel: check before each one, not only on network reads.
            cancellationToken.ThrowIfCancellationRequested();
            var update = parser.Parse(reader.Data);
            if (update is not null)
            {
                if (first)
                {
                    // On the first update, so the caller has it even when the stream fails later; ToChatResponse() keeps it on
                    // the message (MEAI scopes the AdditionalProperties of an update with a MessageId to its message).
                    (update.AdditionalProperties ??= [])[RequestIdProperty] = requestId;
                    first = false;
                }

                yield return update;
            }

            if (parser.Done)
            {
                break;
            }
        }

        parser.EnsureComplete(reader.BytesRead);
        parser.EnsureRequiredToolCall(request);
        parser.ReportReasoningWithoutAnswer(_endpoint.Logger, request.ModelId);
        if (parser.CreateUsageUpdate() is { } usage)
        {
            yield return usage;
        }
    }
}
