// Microsoft.Extensions.AI marks its speech-to-text abstractions experimental (MEAI001); this file implements them.
#pragma warning disable MEAI001
using System.IO;
using System.Runtime.CompilerServices;
using Connectors.Vllm.Audio;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;

namespace Connectors.Vllm;

/// <summary>
/// An <see cref="ISpeechToTextClient"/> for vLLM's speech recognition routes (<c>/v1/audio/transcriptions</c> and
/// <c>/v1/audio/translations</c>, served for Whisper-like models): the audio is posted as <c>multipart/form-data</c>, the
/// answer comes back whole or streamed, usage included, and failures are <see cref="VllmException"/>s that say what to change.
/// </summary>
/// <remarks>
/// <para>What is sent: <c>model</c> (the options' <see cref="SpeechToTextOptions.ModelId"/>, else the default model, else none so
/// that the server uses its first served model), <c>language</c> from <see cref="SpeechToTextOptions.SpeechLanguage"/> (ISO 639-1:
/// <c>"en-US"</c> is sent as <c>"en"</c>), and every entry of <see cref="SpeechToTextOptions.AdditionalProperties"/> under its vLLM
/// wire name (<c>prompt</c>, <c>temperature</c>, <c>top_p</c>, <c>seed</c>, <c>max_completion_tokens</c>, <c>hotwords</c>,
/// <c>vllm_xargs</c>, <c>response_format</c>…) as a form field. A <see cref="SpeechToTextOptions.TextLanguage"/> other than the
/// spoken language uses <c>/v1/audio/translations</c>, which produces English: any other target language is refused before
/// sending. <see cref="SpeechToTextOptions.RawRepresentationFactory"/> is honoured as in Microsoft.Extensions.AI's OpenAI
/// client: the OpenAI SDK's <c>AudioTranscriptionOptions</c> (or <c>AudioTranslationOptions</c> for a translation) it returns
/// give language, prompt, response format, temperature and timestamp granularities, which win over the same field given
/// elsewhere; the other route's type is refused before sending.</para>
/// <para>Streaming sends <c>stream=true</c> and <c>stream_include_usage=true</c>; the updates' texts concatenate to the
/// transcript, and the last update carries a <see cref="UsageContent"/> (tokens). A whole answer's
/// <see cref="SpeechToTextResponse.Usage"/> holds the audio's duration in whole seconds under
/// <c>AdditionalCounts["audio_seconds"]</c> (that is what vLLM reports there).</para>
/// <para>Retries, the private-network gate, timeouts and error messages are those of <see cref="VllmChatClient"/>. Servers
/// before vLLM 0.16 answer a model without speech recognition with HTTP 200 and an error object: that is thrown too.</para>
/// <para>Thread-safe. Dispose it to release the <see cref="HttpClient"/> it created (a supplied one is left alone).</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental("MEAI001")]
public sealed class VllmSpeechToTextClient : ISpeechToTextClient
{
    private readonly VllmNativeRouteClient _http;
    private readonly Uri _transcriptionsUrl;
    private readonly Uri _translationsUrl;
    private readonly string _transcriptionsMissing;
    private readonly string _translationsMissing;
    private readonly SpeechToTextClientMetadata _metadata;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The server, key and limits; validated and read now.</param>
    /// <param name="defaultModelId">The speech model used when <see cref="SpeechToTextOptions.ModelId"/> is not set, written
    /// <c>vllm/&lt;id&gt;</c> or <c>&lt;id&gt;</c>; <see langword="null"/> lets the server use its first served model.</param>
    /// <param name="httpClient">The client to send with, or <see langword="null"/> to create one with the private-network
    /// gate. A supplied client keeps the gate only when built on <see cref="VllmHttpHandler.CreatePrimaryHandler"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    /// <exception cref="VllmException">The options are invalid, or a <c>${NAME}</c> they reference is not set.</exception>
    public VllmSpeechToTextClient(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = new VllmNativeRouteClient(options, defaultModelId, httpClient);
        _transcriptionsUrl = _http.Endpoint.Under("audio/transcriptions");
        _translationsUrl = _http.Endpoint.Under("audio/translations");
        _transcriptionsMissing = MissingRouteHint(_transcriptionsUrl);
        _translationsMissing = MissingRouteHint(_translationsUrl);
        _metadata = new SpeechToTextClientMetadata(VllmModelRef.ProviderName, options.BaseUrl, _http.DefaultModelId);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="audioSpeechStream"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="SpeechToTextOptions.TextLanguage"/> asks for a translation into a
    /// language other than English.</exception>
    /// <exception cref="VllmException">The server answered with an error (the model is not a speech model, the audio is too
    /// long or unreadable…), could not be reached, or sent something unreadable.</exception>
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var request = VllmSpeechToTextRequest.Create(options, _http.ModelFor(options?.ModelId is { Length: > 0 } m ? m : null), stream: false, this);
        var audio = await ReadAudioAsync(audioSpeechStream, cancellationToken).ConfigureAwait(false);
        using var content = request.ToContent(audio);
        using var response = await SendAsync(request, content, cancellationToken).ConfigureAwait(false);
        var body = await _http.ReadBodyAsync(response, request.Model, cancellationToken).ConfigureAwait(false);
        return VllmSpeechToTextRequest.ReadResponse(body, request.Model);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="audioSpeechStream"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="SpeechToTextOptions.TextLanguage"/> asks for a translation into a
    /// language other than English.</exception>
    /// <exception cref="VllmException">The server answered with an error (before or inside the stream), could not be reached,
    /// stalled longer than <see cref="VllmProviderOptions.StreamIdleTimeout"/>, or ended the stream before it was complete.</exception>
    public IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var request = VllmSpeechToTextRequest.Create(options, _http.ModelFor(options?.ModelId is { Length: > 0 } m ? m : null), stream: true, this);
        return StreamAsync(audioSpeechStream, request, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Answers <see cref="SpeechToTextClientMetadata"/> (provider <c>"vllm"</c>, the base URL, the default model) and
    /// this client; <see langword="null"/> for anything else or any non-null key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType is null ? throw new ArgumentNullException(nameof(serviceType)) :
        serviceKey is not null ? null :
        serviceType == typeof(SpeechToTextClientMetadata) ? _metadata :
        serviceType.IsInstanceOfType(this) ? this :
        null;

    /// <summary>Releases the <see cref="HttpClient"/> this instance created; a supplied one is left alone.</summary>
    public void Dispose() => _http.Dispose();

    private async IAsyncEnumerable<SpeechToTextResponseUpdate> StreamAsync(Stream audioSpeechStream, VllmSpeechToTextRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var audio = await ReadAudioAsync(audioSpeechStream, cancellationToken).ConfigureAwait(false);
        using var content = request.ToContent(audio);
        using var response = await SendAsync(request, content, cancellationToken).ConfigureAwait(false);

        // A transcription chunk is a chat chunk without role and index: the one choice reader reads it.
        var parser = new VllmChatStreamParser(await _http.ContextAsync(request.Model, cancellationToken).ConfigureAwait(false));
        using var reader = await _http.OpenStreamAsync(response, request.Model, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (parser.Parse(reader.Data) is { } chunk && chunk.Text is { Length: > 0 } text)
            {
                yield return new SpeechToTextResponseUpdate(text)
                {
                    Kind = SpeechToTextResponseUpdateKind.TextUpdating,
                    ResponseId = parser.ResponseId,
                    ModelId = parser.ModelId,
                    RawRepresentation = chunk,
                };
            }

            if (parser.Done)
            {
                break;
            }
        }

        parser.EnsureComplete(reader.BytesRead);
        var last = new SpeechToTextResponseUpdate
        {
            Kind = SpeechToTextResponseUpdateKind.TextUpdated,
            ResponseId = parser.ResponseId,
            ModelId = parser.ModelId,
        };
        if (parser.Usage is { } usage)
        {
            last.Contents.Add(new UsageContent(usage));
        }

        if (parser.FinishReason is { } finish)
        {
            last.AdditionalProperties = new() { ["finish_reason"] = finish.Value };
        }

        yield return last;
    }

    private Task<System.ClientModel.Primitives.PipelineResponse> SendAsync(VllmSpeechToTextRequest request, VllmMultipartContent content, CancellationToken cancellationToken)
        => request.Translate
            ? _http.PostAsync(_translationsUrl, content, content.ContentType, request.Stream, request.Model, _translationsMissing, cancellationToken)
            : _http.PostAsync(_transcriptionsUrl, content, content.ContentType, request.Stream, request.Model, _transcriptionsMissing, cancellationToken);

    /// <summary>The audio's bytes: a <see cref="MemoryStream"/>'s own buffer from its position (no copy), otherwise the rest
    /// of the stream read once (a retry sends the same bytes again).</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAudioAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            var start = (int)memory.Position;
            return buffer.AsMemory(start, (int)memory.Length - start);
        }

        using var copy = stream.CanSeek ? new MemoryStream((int)Math.Clamp(stream.Length - stream.Position, 0, int.MaxValue)) : new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    private static string MissingRouteHint(Uri url)
        => $"The server has no {url.AbsolutePath} route: vLLM serves it only for a speech-to-text model (Whisper and the like, the transcription task) started with the audio extras (pip install vllm[audio]). Serve such a model, or point BaseUrl at the server that does.";
}
