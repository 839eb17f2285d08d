using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connectors.Vllm.Errors;

/// <summary>
/// Turns what a server answered (an error status and body, an error event in a stream, a failed
/// connection) into a <see cref="VllmException"/> with the server's text and a hint. Every component
/// uses this one mapping so that the same problem reads the same everywhere.
/// </summary>
internal static class VllmErrors
{
    private const int MaxQuotedBodyChars = 500;

    /// <summary>The hint for a 401 when no key was configured, so none was sent: not "rejected", since there was nothing to reject.</summary>
    public static string NoKeySentHint(string settingsPrefix)
        => $"No API key was sent, because none is configured, and the server requires one (it was started with --api-key). {SetApiKey(settingsPrefix)} to that key.";

    /// <summary>The hint's way to set the key: <c>Set ApiKey (&lt;prefix&gt;ApiKey in configuration, or the VLLM_API_KEY
    /// environment variable)</c>; the caller finishes the sentence. <c>VLLM_API_KEY</c> is named only under the default
    /// section (<c>Vllm:</c>, where the implicit provider reads it): options read from another section (an Aspire
    /// connection's <c>Aspire:Vllm:{name}</c>) never read it.</summary>
    public static string SetApiKey(string settingsPrefix)
        => string.Equals(settingsPrefix, Configuration.VllmSettingKey.DefaultPrefix, StringComparison.Ordinal)
            ? $"Set ApiKey ({settingsPrefix}ApiKey in configuration, or the {VllmProviderOptions.ApiKeyEnvironmentVariable} environment variable)"
            : $"Set ApiKey ({settingsPrefix}ApiKey in configuration)";

    /// <summary>Parses any of vLLM's error bodies: nested <c>{"error":{…}}</c> (v0.10.1 on), flat
    /// <c>{"object":"error",…}</c> (older), <c>{"error":"Unauthorized"}</c>, FastAPI's <c>{"detail":…}</c>;
    /// anything else becomes its (shortened) text.</summary>
    public static VllmErrorInfo Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return VllmErrorInfo.Empty;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return ParseElement(doc.RootElement);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON (a proxy's HTML page, a plain-text LoRA answer), or a string with invalid UTF-8. Quote it below.
        }

        return new VllmErrorInfo(Quote(body), null, null, null);
    }

    /// <summary>Parses an error object that is already in hand (the <c>error</c> event of a stream, or a whole body).</summary>
    public static VllmErrorInfo ParseElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return VllmErrorInfo.Empty;
        }

        if (root.TryGetProperty("error", out var error))
        {
            return error.ValueKind switch
            {
                JsonValueKind.Object => ReadFields(error),
                JsonValueKind.String => new VllmErrorInfo(error.GetString(), null, null, null),
                _ => new VllmErrorInfo(error.GetRawText(), null, null, null),
            };
        }

        if (root.TryGetProperty("message", out _))
        {
            return ReadFields(root); // flat form: {"object":"error","message":…}
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            return new VllmErrorInfo(detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText(), null, null, null);
        }

        return new VllmErrorInfo(Shorten(root.GetRawText()), null, null, null);
    }

    /// <summary>Builds the exception for a non-success HTTP response.</summary>
    public static VllmException FromResponse(int status, ReadOnlySpan<byte> body, VllmErrorContext context, Exception? inner = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = Parse(body);
        var hint = HintFor(status, info, context);
        return new VllmException((HttpStatusCode)status, info.Message, hint, inner)
        {
            ErrorType = info.Type,
            Param = info.Param,
            RequestId = context.RequestId,
            RequestDroppedReason = context.DroppedReason,
        };
    }

    /// <summary>Builds the exception for a non-success answer of <see cref="Http.VllmTransport"/> (its request id and
    /// dropped reason included).</summary>
    public static VllmException FromResult(Http.VllmHttpResult result, VllmErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FromResponse(result.Status, result.Body.Span, context with { RequestId = result.RequestId ?? context.RequestId, DroppedReason = result.DroppedReason });
    }

    /// <summary>Builds the exception for a non-success response of the OpenAI SDK pipeline: its request id (sent back, else
    /// <paramref name="sentRequestId"/>) and dropped reason included.</summary>
    public static VllmException FromResponse(System.ClientModel.Primitives.PipelineResponse response, ReadOnlySpan<byte> body, VllmErrorContext context, string? sentRequestId, Exception? inner = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(context);
        var withIds = context with
        {
            RequestId = Http.VllmRequestHeaders.ReportedId(response, sentRequestId ?? context.RequestId),
            DroppedReason = Http.VllmRequestHeaders.DroppedReason(response),
        };
        return FromResponse(response.Status, body, withIds, inner);
    }

    /// <summary>Builds the exception for an error event that arrived inside a 200 stream.</summary>
    public static VllmException FromStreamError(VllmErrorInfo info, VllmErrorContext context, string received)
    {
        var hint = info.Code is { } code && code != 200 ? HintFor(code, info, context) : null;
        var message = string.IsNullOrEmpty(info.Message) ? "(the server sent an error event with an empty message)" : info.Message;
        var suffix = string.IsNullOrEmpty(received) ? string.Empty : $" The stream had delivered: {received}";
        return new VllmException(null, message, (hint is null ? "The server failed while streaming; see the vLLM server log." : hint) + suffix)
        {
            ErrorType = info.Type,
            Param = info.Param,
            RequestId = context.RequestId,
        };
    }

    /// <summary>Whether a cancellation is the handler's ConnectTimeout firing (SocketsHttpHandler's inner
    /// <see cref="TimeoutException"/> names the setting), not the caller's token nor a first-byte timeout.</summary>
    public static bool IsConnectTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException && e.Message.Contains("ConnectTimeout", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="exception"/> (or an inner one) is a refused TCP connection: the only transport
    /// failure worth retrying (the server is restarting); DNS failures, resets and gate refusals are not.</summary>
    public static bool IsConnectionRefused(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Turns a failed send (no response) into the <see cref="VllmException"/> users see: the connect timeout, the
    /// first-byte timeout (<paramref name="method"/> <paramref name="url"/> got no answer), a gate refusal, a refused
    /// connection or DNS failure. <see langword="null"/> for anything that is not a transport failure (rethrow it).
    /// Call it only when the caller's own token is not cancelled. <paramref name="requestId"/> is the id the request was
    /// sent with (a gate refusal, which happens before sending, carries none).</summary>
    public static VllmException? FromSendFailure(Exception exception, Http.VllmEndpoint endpoint, string method, Uri url, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(endpoint);
        return exception switch
        {
            VllmException vllm => vllm,
            OperationCanceledException when IsConnectTimeout(exception) => ConnectTimedOut(endpoint, exception, requestId),
            OperationCanceledException => NoAnswer(endpoint, method, url, exception, requestId),
            HttpRequestException or System.ClientModel.ClientResultException => Http.VllmTransportErrors.Translate(exception, endpoint.BaseUrl, requestId),
            System.IO.IOException => ConnectionFailed(endpoint.BaseUrl, exception, requestId),
            _ => null,
        };
    }

    /// <summary>Builds the exception for a request that got no response headers within FirstByteTimeout.</summary>
    public static VllmException NoAnswer(Http.VllmEndpoint endpoint, string method, Uri url, Exception? inner, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(url);
        var seconds = endpoint.Options.FirstByteTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return new VllmException(
            null,
            $"The server at {endpoint.BaseUrl} did not answer {method} {url.AbsolutePath} within FirstByteTimeout ({seconds} s).",
            $"The server is busy, stuck or the prompt is long: raise {endpoint.Setting("FirstByteTimeout")}, or check the server's load and log (curl {Combine(endpoint.BaseUrl, "models")}).",
            inner)
        {
            RequestId = requestId,
        };
    }

    /// <summary>Builds the exception for a body larger than the cap <paramref name="setting"/> sets.</summary>
    /// <param name="what">What the body is ("The server's answer", "The model list from …").</param>
    /// <param name="limit">The cap in bytes.</param>
    /// <param name="setting">The setting that sets the cap (MaxResponseBytes, MaxModelsBodyBytes).</param>
    /// <param name="hint">What to do: the setting to raise, or how to ask for less.</param>
    public static VllmException BodyTooLarge(string what, long limit, string setting, string hint)
        => new(null, $"{what} is larger than {setting} ({limit.ToString(CultureInfo.InvariantCulture)} bytes).", hint);

    /// <summary>Builds the exception for a body that broke off (connection reset, or stalled past the read timeout).</summary>
    /// <param name="bytesRead">How much of the body had arrived, when known.</param>
    /// <param name="reason">What happened (the exception's message, or the timeout).</param>
    /// <param name="inner">The exception.</param>
    /// <param name="timeoutSetting">The full key of the timeout that governs the body's reads (<c>Vllm:FirstByteTimeout</c>).</param>
    public static VllmException BodyBroken(long? bytesRead, string reason, Exception inner, string timeoutSetting)
        => new(
            null,
            bytesRead is { } read
                ? $"The answer broke off after {read.ToString(CultureInfo.InvariantCulture)} bytes: {reason}."
                : $"The answer broke off: {reason}.",
            $"The server or a proxy closed or stalled the connection; see the vLLM server log, or raise {timeoutSetting} for slow answers.",
            inner);

    /// <summary>Builds the exception for a TCP connect that did not complete within ConnectTimeout.</summary>
    public static VllmException ConnectTimedOut(Http.VllmEndpoint endpoint, Exception inner, string? requestId = null)
        => new(
            null,
            $"Could not reach the server at {endpoint.BaseUrl} (no connection within ConnectTimeout, {endpoint.Options.ConnectTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s).",
            $"Check that vLLM is running, that BaseUrl's host and port are right and not firewalled (curl {Combine(endpoint.BaseUrl, "models")}), or raise {endpoint.Setting("ConnectTimeout")}.",
            inner)
        {
            RequestId = requestId,
        };

    /// <summary>Builds the exception for a connection that could not be made (refused, DNS, TLS, timeout), or that the server
    /// reset once it was made, before the response headers arrived (the server was reached: saying otherwise would send the
    /// user to check a server that is running).</summary>
    public static VllmException ConnectionFailed(Uri baseUrl, Exception inner, string? requestId = null)
    {
        if (IsResetBeforeAnswer(inner))
        {
            return new VllmException(
                null,
                $"The server at {baseUrl} reset the connection before its answer arrived.",
                "The request reached the server or a proxy in front of it, which cut the connection (a crash, a restart, or a proxy's limit); see the vLLM server log and the proxy's.",
                inner)
            {
                RequestId = requestId,
            };
        }

        var what = inner switch
        {
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection refused",
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } } => "host name not found",
            HttpRequestException http when http.HttpRequestError == HttpRequestError.NameResolutionError => "host name not found",
            HttpRequestException http when http.HttpRequestError == HttpRequestError.ConnectionError => "could not connect",
            _ => inner.Message,
        };
        return new VllmException(
            null,
            $"Could not reach the server at {baseUrl} ({what}).",
            $"Check that vLLM is running and that BaseUrl is right: curl {Combine(baseUrl, "models")}",
            inner)
        {
            RequestId = requestId,
        };
    }

    /// <summary>Whether the connection was made and then reset (a connect failure is a <see cref="HttpRequestError.ConnectionError"/>).</summary>
    private static bool IsResetBeforeAnswer(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Fixes keyed by a fragment of vLLM's error message, tried in order (the first match wins).</summary>
    private static readonly (string Fragment, string Hint)[] MessageHints =
    [
        ("cannot be greater than max_model_len",
            "Lower ChatOptions.MaxOutputTokens (or the model entry's MaxTokens) below the model's context window."),
        ("\"auto\" tool choice requires",
            "Start vLLM with --enable-auto-tool-choice --tool-call-parser <parser> (for example hermes for Qwen), or set Tools = false on the model entry."),
        ("requires --tool-call-parser",
            "Start vLLM with --tool-call-parser <parser> (for example hermes for Qwen)."),
        ("but must be a-z, A-Z, 0-9, with a length of 9",
            "The server renders chats with mistral_common (--tokenizer-mode mistral), which takes only tool-call ids of 9 letters and digits, and the history carries an id made elsewhere (another server, parser or provider; ids this library makes up already have that form). Give those calls such ids (FunctionCallContent.CallId and the matching FunctionResultContent.CallId), or serve the model with --tokenizer-mode auto."),
        ("--trust-request-chat-template",
            "Start vLLM with --trust-request-chat-template, or remove chat_template from the request."),
        ("Matryoshka",
            "Leave EmbeddingGenerationOptions.Dimensions unset for this model, or use a value it supports."),
        ("does not support Transcriptions API",
            "The served model is not a speech-to-text model. Serve a transcription model (for example openai/whisper-large-v3-turbo) or use one the server serves (curl its /v1/models)."),
        ("does not support Translations API",
            "The served model cannot translate speech. Serve a model with the transcription task (for example openai/whisper-large-v3-turbo), or leave SpeechToTextOptions.TextLanguage unset."),
        ("does not support Completions API",
            "The served model has no text-completion route (a speech-only model serves no /v1/completions). Serve a text model for text generation."),
        ("Maximum file size exceeded",
            "The audio is larger than the server accepts (VLLM_MAX_AUDIO_CLIP_FILESIZE_MB, 25 MiB by default): split the audio, compress it (mp3, ogg), or raise that variable on the server."),
        ("Audio exceeds maximum allowed duration",
            "The audio is longer than the server decodes (VLLM_MAX_AUDIO_DECODE_DURATION_S, 600 s by default): split it, or raise that variable on the server."),
        ("Invalid or unsupported audio file",
            "The server could not decode the audio. Send wav, mp3, flac, ogg, webm or m4a bytes."),
        ("suffix is not currently supported",
            "vLLM's /v1/completions does not take a suffix: remove \"suffix\" from the settings."),
        ("`normalize` was removed",
            "Use use_activation instead of normalize."),
    ];

    /// <summary>The hint for an error: the setting or command that fixes it.</summary>
    public static string? HintFor(int status, VllmErrorInfo info, VllmErrorContext context)
    {
        var message = info.Message ?? string.Empty;
        var modelsUrl = Combine(context.BaseUrl, "models");

        if (status is 401 or 403)
        {
            return context.ApiKeySent switch
            {
                false => NoKeySentHint(context.SettingsPrefix),
                true => $"The server rejected the API key that was sent. {SetApiKey(context.SettingsPrefix)} to the key the server was started with (--api-key).",
                null => $"The server requires an API key (it was started with --api-key). {SetApiKey(context.SettingsPrefix)} to that key.",
            };
        }

        if (context.DroppedReason is { } dropped)
        {
            return DroppedHint(dropped, context.SettingsPrefix);
        }

        if (status == 404)
        {
            if (IsModelNotFound(info, message))
            {
                return context.ServedModels is { Count: > 0 } served
                    ? $"The server serves: {string.Join(", ", served)}. Use one of these model ids (curl {modelsUrl})."
                    : $"Use a model id the server serves: curl {modelsUrl}";
            }

            // FastAPI's bare 404: the route itself is absent. A caller that knows which routes it tried names them and the fix.
            return context.MissingRouteHint
                ?? $"The server has no such route. Check that BaseUrl ends in /v1 and that the served model supports this task (curl {modelsUrl}).";
        }

        if (message.Contains("maximum context length", StringComparison.Ordinal))
        {
            var window = context.ContextWindow is { } w ? $" ({w.ToString(CultureInfo.InvariantCulture)} tokens)" : string.Empty;
            return $"The prompt plus the requested output tokens exceed the model's context window{window}. Shorten the conversation (VllmTokenBudgetChatReducer) or lower ChatOptions.MaxOutputTokens / the model entry's MaxTokens.";
        }

        if (message.Contains("Extra inputs are not permitted", StringComparison.Ordinal)
            && (message.Contains("\nname\n", StringComparison.Ordinal) || message.Contains("'name'", StringComparison.Ordinal)))
        {
            // mistral_common (--tokenizer-mode mistral) forbids "name" on system, user and assistant messages; Agent
            // Framework fills ChatMessage.AuthorName, which MEAI sends as "name", on every reply.
            return $"The server refuses the messages' \"name\" (the author, ChatMessage.AuthorName): vLLM with --tokenizer-mode mistral does not take it. Set SendMessageNames = false ({context.SettingsPrefix}SendMessageNames in configuration) to leave it out of every message.";
        }

        foreach (var (fragment, hint) in MessageHints)
        {
            if (message.Contains(fragment, StringComparison.Ordinal))
            {
                return hint;
            }
        }

        if (status == 503 && RouterUnavailableHint(message, modelsUrl, context.SettingsPrefix) is { } unavailable)
        {
            return unavailable;
        }

        return status switch
        {
            400 when info.Param is { Length: > 0 } param => $"The server rejected the request field '{param}'; see the message for the accepted values.",
            408 => $"A router or the server gave up on the request while it waited in the queue (408); it was retried as {context.SettingsPrefix}Retry allows. Lower the load or concurrency, scale the replicas, or raise the router's request timeout.",
            422 => "The server could not fetch or process a media URL in the request; make sure the server can reach it.",
            429 => $"Too many requests: a router or proxy in front of vLLM limits the rate or its queue is full; the request was retried as {context.SettingsPrefix}Retry allows (honouring Retry-After). Lower the load or concurrency, raise {context.SettingsPrefix}Retry:MaxAttempts, or scale the replicas.",
            500 => "The vLLM engine failed; see the server log.",
            501 => "The served model or route does not support this request.",
            503 => $"The server is loading, scaling or unhealthy. Retry later; curl {Combine(context.BaseUrl, "../health")} shows when it is ready.",
            _ => null,
        };
    }

    /// <summary>A 404 about the model, not the route: vLLM's <c>NotFoundError</c> (param <c>model</c>, or "does not exist"),
    /// production-stack's <c>Model 'X' not found. Available models can be listed at /v1/models.</c>, KServe's
    /// <c>Model with name X does not exist.</c></summary>
    private static bool IsModelNotFound(VllmErrorInfo info, string message)
    {
        if (string.Equals(info.Type, "NotFoundError", StringComparison.Ordinal))
        {
            return info.Param == "model" || message.Contains("does not exist", StringComparison.Ordinal);
        }

        return message.StartsWith("Model ", StringComparison.Ordinal)
            && (message.Contains("not found", StringComparison.Ordinal) || message.Contains("does not exist", StringComparison.Ordinal));
    }

    /// <summary>The hint for a 503 whose text says which router answered: production-stack's no live engine, KServe's model
    /// not ready, llm-d's <c>inference error: …</c>, production-stack's <c>All backends failed …</c>, vllm-router's no healthy
    /// worker; <see langword="null"/> otherwise.</summary>
    private static string? RouterUnavailableHint(string message, string modelsUrl, string settingsPrefix)
    {
        if (message.Contains("temporarily unavailable", StringComparison.Ordinal))
        {
            return $"The router has no live engine serving this model right now (a replica is starting, restarting or gone). The request was retried as {settingsPrefix}Retry allows; retry later or scale the model's replicas (curl {modelsUrl} lists what is live).";
        }

        if (message.Contains("is not ready", StringComparison.Ordinal))
        {
            return "The model is still loading (KServe reports it not ready). Wait until kubectl get inferenceservice shows READY True, then retry; the predictor pod's log says why it is not ready.";
        }

        if (message.StartsWith("inference error:", StringComparison.Ordinal) || message.StartsWith("All backends failed", StringComparison.Ordinal)
            || message.Contains("healthy", StringComparison.OrdinalIgnoreCase) || message.Contains("worker", StringComparison.OrdinalIgnoreCase))
        {
            return $"The router found no ready replica for the request. The request was retried as {settingsPrefix}Retry allows; check that the model's pods are ready, or scale them (curl {modelsUrl}).";
        }

        return null;
    }

    /// <summary>The hint for llm-d's <c>x-llm-d-request-dropped-reason</c> (llm-d/llm-d-router, pkg/common/error).</summary>
    private static string DroppedHint(string reason, string settingsPrefix)
    {
        var what = reason switch
        {
            "rejected-saturated" => "the pool is saturated",
            "rejected-no-endpoints" => "no replica is ready",
            "rejected-ttl-expired" => "the request waited in its queue too long",
            "rejected-shutting-down" => "the router is shutting down",
            _ when reason.StartsWith("evicted", StringComparison.Ordinal) => "it was evicted to make room for other work",
            _ => "of its flow control",
        };
        return $"llm-d dropped the request ({reason}: {what}). It was retried as {settingsPrefix}Retry allows (a stream only before its first token); retry later, lower the load, give the request a higher-priority objective (WithInferenceObjective), or scale the pool.";
    }

    private static VllmErrorInfo ReadFields(JsonElement error)
    {
        string? message = null, type = null, param = null;
        int? code = null;
        foreach (var property in error.EnumerateObject())
        {
            switch (property.Name)
            {
                case "message":
                    message = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                    break;
                case "type":
                    type = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
                case "param":
                    param = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
                case "code":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var c))
                    {
                        code = c;
                    }
                    else if (property.Value.ValueKind == JsonValueKind.String && int.TryParse(property.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
                    {
                        code = s;
                    }

                    break;
            }
        }

        return new VllmErrorInfo(message, type, param, code);
    }

    private static string Quote(ReadOnlySpan<byte> body)
    {
        var take = Math.Min(body.Length, MaxQuotedBodyChars * 4);
        return Shorten(Encoding.UTF8.GetString(body[..take]).Trim());
    }

    private static string Shorten(string text)
        => text.Length <= MaxQuotedBodyChars ? text : string.Concat(text.AsSpan(0, MaxQuotedBodyChars), "…");

    /// <summary>Joins a relative path onto a base URL that may or may not end in '/'.</summary>
    public static string Combine(Uri baseUrl, string relative)
    {
        var text = baseUrl.ToString();
        var withSlash = text.EndsWith('/') ? baseUrl : new Uri(text + "/");
        return new Uri(withSlash, relative).ToString();
    }
}

/// <summary>What a caller knows that makes a hint precise.</summary>
/// <param name="BaseUrl">The configured base URL.</param>
/// <param name="Model">The model the request named, if any.</param>
/// <param name="ServedModels">The model ids the server serves, when known.</param>
/// <param name="ContextWindow">The model's context window, when known.</param>
/// <param name="ApiKeySent">Whether the request carried an API key (a 401 then means "wrong key", otherwise "no key"); <see langword="null"/> when unknown.</param>
/// <param name="MissingRouteHint">The hint for a 404 that means the route is absent (not an unknown model), when the caller
/// knows better than the generic one: which routes it tried and what makes the server offer them.</param>
/// <param name="RequestId">The request's id (sent back by the server, else sent), for <see cref="VllmException.RequestId"/>.</param>
/// <param name="DroppedReason">llm-d's <c>x-llm-d-request-dropped-reason</c>, for <see cref="VllmException.RequestDroppedReason"/> and the hint.</param>
/// <param name="SettingsPrefix">The prefix of the configuration keys the hints name (<see cref="Configuration.VllmSettingKey.Prefix"/>).</param>
internal sealed record VllmErrorContext(Uri BaseUrl, string? Model = null, IReadOnlyList<string>? ServedModels = null, int? ContextWindow = null, bool? ApiKeySent = null, string? MissingRouteHint = null, string? RequestId = null, string? DroppedReason = null, string SettingsPrefix = Configuration.VllmSettingKey.DefaultPrefix)
{
    /// <summary>The context for a request to <paramref name="endpoint"/>: its base URL and whether its key was sent.</summary>
    public static VllmErrorContext For(Http.VllmEndpoint endpoint, string? model = null, IReadOnlyList<string>? servedModels = null, int? contextWindow = null)
        => new(endpoint.BaseUrl, model, servedModels, contextWindow, endpoint.ApiKey is not null, SettingsPrefix: endpoint.SettingsPrefix);
}
