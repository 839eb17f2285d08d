namespace Connectors.Vllm.ChatProtocol;

/// <summary>Reads a non-streaming <c>chat.completion</c> body into a <see cref="ChatResponse"/> with the stream's own
/// reader (<see cref="VllmChatStreamParser.ReadCompletion"/>), so both call kinds surface the same fields.</summary>
internal static class VllmChatResponseReader
{
    /// <exception cref="JsonException">The body is not valid JSON.</exception>
    /// <exception cref="VllmException">The body is JSON but not a chat completion.</exception>
    /// <param name="body">The answer.</param>
    /// <param name="requestedModelId">The model the request named: when the answer names the same, the response's
    /// <see cref="ChatResponse.ModelId"/> is this string rather than a new copy.</param>
    public static ChatResponse Read(ReadOnlyMemory<byte> body, string? requestedModelId = null)
        => Read(body, requestedModelId, recovery: null, out _);

    /// <summary>Reads the answer to <paramref name="request"/>: its model string reused, leaked tool-call markup handled by
    /// <paramref name="recovery"/>, a required tool call checked (after recovery, so recovered calls count).</summary>
    /// <exception cref="JsonException">The body is not valid JSON.</exception>
    /// <exception cref="VllmException">The body is JSON but not a chat completion, or has no tool call although the
    /// request required one.</exception>
    /// <param name="body">The answer.</param>
    /// <param name="request">The request it answers.</param>
    /// <param name="logger">Where an answer that is reasoning only is reported.</param>
    /// <param name="recovery">Leaked tool-call markup handling for this answer, or <see langword="null"/> for none.</param>
    public static ChatResponse Read(ReadOnlyMemory<byte> body, VllmChatRequest request, ILogger logger, VllmToolCallRecoverer? recovery = null)
    {
        var response = Read(body, request.ModelId, recovery, out var parser);
        parser.EnsureRequiredToolCall(request);
        parser.ReportReasoningWithoutAnswer(logger, request.ModelId);
        return response;
    }

    private static ChatResponse Read(ReadOnlyMemory<byte> body, string? requestedModelId, VllmToolCallRecoverer? recovery, out VllmChatStreamParser parser)
    {
        var update = VllmChatStreamParser.ReadCompletion(body.Span, out parser, requestedModelId, recovery)
            ?? throw new VllmException(null, "The server's answer is not a chat completion (it has no choices).", "Check that BaseUrl points at an OpenAI-compatible /v1 endpoint.");
        var message = new ChatMessage(ChatRole.Assistant, update.Contents)
        {
            MessageId = parser.ResponseId,
            AdditionalProperties = update.AdditionalProperties,
        };
        return new ChatResponse(message)
        {
            ResponseId = parser.ResponseId,
            ModelId = parser.ModelId, // the body's fields may come in any order: read after the whole body
            CreatedAt = parser.CreatedAt,
            FinishReason = update.FinishReason,
            Usage = parser.Usage,
            RawRepresentation = BinaryData.FromBytes(body),
            AdditionalProperties = update.AdditionalProperties,
        };
    }
}
