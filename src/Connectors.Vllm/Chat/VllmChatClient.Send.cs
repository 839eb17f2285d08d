using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm;

/// <summary>Model resolution, capability gating, sending and error mapping.</summary>
public sealed partial class VllmChatClient
{
    private async ValueTask<VllmChatRequest> PrepareAsync(IEnumerable<MeaiChatMessage> messages, ChatOptions? options, bool stream, CancellationToken cancellationToken)
    {
        EnsureSingleChoice(options);
        var modelId = options?.ModelId is { } requested && !string.IsNullOrWhiteSpace(requested)
            ? VllmModelRef.ToModelId(requested)
            : _defaultModelId;
        if (modelId is null)
        {
            // The only configured or served model; otherwise a VllmException that lists them.
            var metadata = await _facts.Discovery.GetChatClientMetadataAsync(null, cancellationToken).ConfigureAwait(false);
            modelId = metadata.DefaultModelId!;
        }

        _extraKeys.Report(options?.AdditionalProperties);
        var effort = VllmChatRequestWriter.RequestedEffort(options);
        var model = await _facts.FindConfiguredModelAsync(modelId, cancellationToken).ConfigureAwait(false);

        // Media: only what vLLM takes, only the modalities a declared Input names (undeclared passes), within the cap.
        var inlineMedia = VllmChatMedia.Check(messages, model, _endpoint);
        if (model is not null)
        {
            EnsureCapabilities(options, model, effort);
            if (model.Reasoning == false)
            {
                effort = null; // "none" for a model declared not to reason: already so, nothing to send.
            }
        }

        var excludeReasoning = VllmChatRequestWriter.RequestsNoReasoningOutput(options);
        var sendsReasoning = VllmChatRequestWriter.HasAssistantReasoning(messages);
        var features = VllmServerFeatures.Unknown;
        if (sendsReasoning || effort is not null || excludeReasoning || NeedsServerVersion(options))
        {
            features = VllmServerFeatures.From(await _facts.TryGetServerInfoAsync(cancellationToken).ConfigureAwait(false));
        }

        // Undeclared means unknown, not "no": the effort is sent unless the model entry says Reasoning = false
        // (refused above), in the nearest value the server's version accepts, or not at all when it accepts none.
        var sentEffort = effort is null ? null : features.ReasoningEffortFor(effort);
        if (effort is not null && sentEffort != effort)
        {
            _endpoint.Logger.ReasoningEffortAdjusted(effort, sentEffort ?? "(not sent)", features.Version?.ToString() ?? "unknown");
        }

        return new VllmChatRequest(modelId, model, features, stream)
        {
            Call = VllmCallHeaders.For(options?.AdditionalProperties),
            ReasoningField = sendsReasoning ? features.ReasoningInputField : null,
            ReasoningEffort = sentEffort,
            ExcludeReasoning = excludeReasoning && features.AcceptsReasoningFields,
            RequiredTool = RequiredToolOf(options),
            SendMessageNames = _options.SendMessageNames,
            InlineMediaBytes = inlineMedia,
        };
    }

    /// <summary>The required tool mode when the request sends function tools with it, else <see langword="null"/>.</summary>
    private static RequiredChatToolMode? RequiredToolOf(ChatOptions? options)
    {
        if (options?.ToolMode is not RequiredChatToolMode required || options.Tools is not { Count: > 0 } tools)
        {
            return null;
        }

        foreach (var tool in tools)
        {
            if (tool is AIFunctionDeclaration)
            {
                return required;
            }
        }

        return null;
    }

    /// <summary>The messages as a collection: they are read more than once (capabilities, reasoning, the body), and a
    /// caller's lazy sequence must run only once.</summary>
    private static IEnumerable<MeaiChatMessage> AsCollection(IEnumerable<MeaiChatMessage> messages)
        => messages is ICollection<MeaiChatMessage> or IReadOnlyCollection<MeaiChatMessage> ? messages : new List<MeaiChatMessage>(messages);

    /// <summary>n &gt; 1 asks for alternative answers; a MEAI response holds one, so the rest would be lost silently.</summary>
    private static void EnsureSingleChoice(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(VllmChatOptionsExtensions.N, out var value) != true || value is null)
        {
            return;
        }

        long? n = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            uint u => u,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
            _ => null,
        };
        if (n > 1)
        {
            throw new NotSupportedException($"ChatOptions.AdditionalProperties[\"n\"] = {n} asks vLLM for {n} alternative answers, but an IChatClient response holds one answer, so all but the first would be lost. Make {n} calls instead (with a different Seed each for different samples), or remove \"n\".");
        }
    }

    private static void EnsureCapabilities(ChatOptions? options, VllmModelDefinition model, string? effort)
    {
        if (model.Reasoning == false && effort is not null and not "none")
        {
            throw new NotSupportedException($"The model '{model.Id}' is configured with Reasoning = false, but the request asks for reasoning effort \"{effort}\". Remove ChatOptions.Reasoning.Effort (or the \"reasoning_effort\" extra), or set Reasoning = true on the model entry (or leave it unset) if the model can reason.");
        }

        if (model.Tools == false && options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException($"The model '{model.Id}' is configured with Tools = false, but the request has {options.Tools.Count} tool(s). Remove the tools, or set Tools = true on the model entry if the server was started with --enable-auto-tool-choice --tool-call-parser <parser>.");
        }
    }

    /// <summary>The version decides only the token-limit field, tool <c>strict</c>, explicit structured outputs, the
    /// field that sends reasoning back and the reasoning fields (checked by the caller); other requests never wait for
    /// <c>/version</c>.</summary>
    private static bool NeedsServerVersion(ChatOptions? options)
        => options is not null
            && (options.MaxOutputTokens is not null
                || options.RawRepresentationFactory is not null
                || options.Tools is { Count: > 0 }
                || options.AdditionalProperties?.ContainsKey(VllmChatOptionsExtensions.StructuredOutputs) == true);

    private async ValueTask<PipelineResponse> SendAsync(IEnumerable<MeaiChatMessage> messages, ChatOptions? options, VllmChatRequest request, CancellationToken cancellationToken)
    {
        using var content = new VllmJsonContent(VllmChatRequestWriter.Write(messages, options, request, this));
        var requestOptions = NewRequestOptions(cancellationToken);
        request.Call.AddTo(requestOptions, _endpoint);

        // A stream: FirstByteTimeout until the headers only; the SSE reader alone times the body (StreamIdleTimeout).
        using var headerTimeout = request.Stream ? new VllmHeaderTimeout(_options.FirstByteTimeout, cancellationToken) : null;
        headerTimeout?.AddTo(requestOptions);

        PipelineResponse response;
        try
        {
            var result = await _chatClient.CompleteChatAsync(content, requestOptions).ConfigureAwait(false);
            response = result.GetRawResponse();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && VllmErrors.FromSendFailure(ex, _endpoint, "POST", _endpoint.Under("chat/completions"), request.Call.RequestId) is { } failure)
        {
            throw failure;
        }

        if (response.IsError)
        {
            using (response)
            {
                throw await CreateErrorAsync(response, request, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    private static RequestOptions NewRequestOptions(CancellationToken cancellationToken) => new()
    {
        CancellationToken = cancellationToken,
        ErrorOptions = ClientErrorBehaviors.NoThrow,
        BufferResponse = false,
    };

    private async Task<VllmException> CreateErrorAsync(PipelineResponse response, VllmChatRequest request, CancellationToken cancellationToken)
    {
        var body = await VllmBodyReader.ReadErrorAsync(response, _endpoint, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<string>? served = null;
        if (response.Status == 404)
        {
            served = await _facts.GetServedModelIdsForHintAsync(cancellationToken).ConfigureAwait(false);
        }

        var inner = new ClientResultException($"Service request failed. Status: {response.Status} ({response.ReasonPhrase})", response);
        var context = ErrorContext(request, served);
        return VllmErrors.FromResponse(response, body.Span, context, request.Call.RequestId, inner);
    }

    /// <summary>The hints' context of <paramref name="request"/>; <paramref name="requestId"/> is the id to report (the one
    /// the server sent back, else the one sent).</summary>
    private VllmErrorContext ErrorContext(VllmChatRequest request, IReadOnlyList<string>? servedModels, string? requestId = null)
        => VllmErrorContext.For(_endpoint, request.ModelId, servedModels, request.Model?.ContextWindow) with { RequestId = requestId ?? request.Call.RequestId };

    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> (and of the first streamed update's) under which the
    /// request id is reported.</summary>
    internal const string RequestIdProperty = "request_id";

    /// <summary>Reads a whole (non-streamed) answer, refusing one larger than MaxResponseBytes.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(PipelineResponse response, CancellationToken cancellationToken)
    {
        var body = await VllmBodyReader.ReadAsync(response, _options.MaxResponseBytes, _endpoint, cancellationToken).ConfigureAwait(false);
        if (body.TooLarge)
        {
            throw VllmErrors.BodyTooLarge("The server's answer", _options.MaxResponseBytes, "MaxResponseBytes", $"Raise {_endpoint.Setting("MaxResponseBytes")}, or ask for fewer output tokens.");
        }

        return body.Memory;
    }
}
