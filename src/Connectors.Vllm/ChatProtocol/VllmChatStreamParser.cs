using System.Text;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// The one reader of vLLM's chat answers (and of the same-shaped text-completion and transcription chunks, whose choice
/// carries <c>text</c>, or a <c>delta</c> without role and index): turns chat-completion chunks into <see cref="ChatResponseUpdate"/>s with one
/// <see cref="Utf8JsonReader"/> pass per chunk, and reads a whole non-streamed <c>chat.completion</c> with the same
/// functions (<see cref="VllmChatResponseReader"/>; its <c>message</c> is read as one complete <c>delta</c>): reasoning
/// (under <c>reasoning</c> or <c>reasoning_content</c>, never both) before text, tool-call fragments assembled into
/// <see cref="FunctionCallContent"/>s on the finish chunk, vLLM's choice fields (<c>stop_reason</c>, <c>logprobs</c> as
/// <see cref="VllmTokenLogprob"/>s, <c>token_ids</c>, <c>routed_experts</c>) and response fields in <c>AdditionalProperties</c>, usage kept (continuous
/// usage included) and reported once, error events thrown as <see cref="VllmException"/>.
/// </summary>
/// <remarks>One instance per stream (or answer); not thread-safe. Only choice 0 is read back.</remarks>
internal sealed class VllmChatStreamParser
{
    private readonly VllmErrorContext? _errorContext;
    private readonly bool _complete;
    private readonly string? _expectedModelId;
    private readonly VllmToolCallRecoverer? _recovery;
    private string? _responseId;
    private byte[] _responseIdUtf8 = [];
    private string? _modelId;
    private byte[] _modelIdUtf8 = [];
    private DateTimeOffset? _createdAt;
    private VllmUsageCounts _usage;
    private string? _fingerprint;
    private List<ToolCallBuilder>? _toolCalls;
    private int _chunks;

    /// <summary>Whether choice 0's finish chunk arrived: a <c>finish_reason</c> string, an empty one included (which
    /// <see cref="FinishReason"/> leaves absent).</summary>
    private bool _finished;
    private long _textChars;
    private long _reasoningChars;

    /// <summary>A stream's logprobs so far (only when asked for): the finish update carries them all.</summary>
    private List<VllmTokenLogprob>? _answerLogprobs;

    /// <param name="errorContext">What error messages name.</param>
    /// <param name="recovery">Leaked tool-call markup handling for this answer, or <see langword="null"/> for none.</param>
    public VllmChatStreamParser(VllmErrorContext errorContext, VllmToolCallRecoverer? recovery = null)
    {
        _errorContext = errorContext;
        _recovery = recovery;
    }

    /// <summary>A reader of one whole non-streamed answer: <c>message</c> instead of <c>delta</c>, tool calls complete.</summary>
    /// <param name="expectedModelId">The model asked for: when the answer names it, this string is reused.</param>
    /// <param name="recovery">Leaked tool-call markup handling for this answer, or <see langword="null"/> for none.</param>
    private VllmChatStreamParser(string? expectedModelId, VllmToolCallRecoverer? recovery)
    {
        _complete = true;
        _expectedModelId = expectedModelId;
        _recovery = recovery;
    }

    /// <summary>Gets the <c>id</c> read so far.</summary>
    public string? ResponseId => _responseId;

    /// <summary>Gets the <c>model</c> read so far.</summary>
    public string? ModelId => _modelId;

    /// <summary>Gets the <c>created</c> time read so far.</summary>
    public DateTimeOffset? CreatedAt => _createdAt;

    /// <summary>Gets the usage read so far, or <see langword="null"/> when none came.</summary>
    public UsageDetails? Usage => _usage.Present ? _usage.ToUsageDetails() : null;

    /// <summary>Gets the finish reason of choice 0, once it arrived.</summary>
    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>Gets whether <c>[DONE]</c> arrived.</summary>
    public bool Done { get; private set; }

    /// <summary>Parses one <c>data:</c> payload.</summary>
    /// <returns>The update to yield, or <see langword="null"/> when the chunk carries nothing a caller sees.</returns>
    public ChatResponseUpdate? Parse(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Done = true;
            return null;
        }

        _chunks++;
        try
        {
            return ParseChunk(data);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // InvalidOperationException: a string with invalid UTF-8, or a value of the wrong kind;
            // FormatException: a number out of range (an index of 1e20); ArgumentException: a value a constructor refuses.
            throw new VllmException(null, $"The server sent a malformed chunk: {Quote(data)}", $"The stream is not valid vLLM output. {DescribeReceived()}", ex)
            {
                RequestId = _errorContext?.RequestId,
            };
        }
    }

    /// <summary>The update carrying the one <see cref="UsageContent"/> of the stream, or <see langword="null"/> when no usage came.</summary>
    public ChatResponseUpdate? CreateUsageUpdate()
    {
        if (!_usage.Present)
        {
            return null;
        }

        var update = NewUpdate([new UsageContent(_usage.ToUsageDetails())]);
        if (_fingerprint is not null)
        {
            update.AdditionalProperties = new() { ["system_fingerprint"] = _fingerprint };
        }

        return update;
    }

    /// <summary>Reads a whole non-streamed <c>chat.completion</c> with the functions that read a chunk.</summary>
    /// <param name="body">The body.</param>
    /// <param name="parser">The reader's state afterwards (id, usage, finish reason).</param>
    /// <param name="expectedModelId">The model the request named (reused as the answer's model when it is the same).</param>
    /// <param name="recovery">Leaked tool-call markup handling for this answer, or <see langword="null"/> for none.</param>
    /// <returns>The answer's one update (choice 0's contents, finish reason, vLLM fields), or <see langword="null"/> when
    /// the body is not a JSON object with a <c>choices</c> array.</returns>
    /// <exception cref="JsonException">The body is not valid JSON (or has a value of the wrong kind).</exception>
    public static ChatResponseUpdate? ReadCompletion(ReadOnlySpan<byte> body, out VllmChatStreamParser parser, string? expectedModelId = null, VllmToolCallRecoverer? recovery = null)
    {
        parser = new VllmChatStreamParser(expectedModelId, recovery);
        try
        {
            return parser.ParseChunk(body);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // A string with invalid UTF-8, a value of the wrong kind, a number out of range: not valid JSON for us.
            throw new JsonException(ex.Message, ex);
        }
    }

    /// <summary>Throws when the stream ended without <c>[DONE]</c> or without a finish reason.</summary>
    public void EnsureComplete(long bytesRead)
    {
        if (Done && _finished)
        {
            return;
        }

        var missing = !Done && !_finished ? "without a finish reason and without [DONE]" : !Done ? "without [DONE]" : "without a finish reason";
        throw new VllmException(
            null,
            $"The stream ended {missing}: the answer is incomplete.",
            $"{DescribeReceived()} ({bytesRead} bytes). The server or a proxy closed the connection early; see the vLLM server log.")
        {
            RequestId = _errorContext?.RequestId,
        };
    }

    /// <summary>Gets how many tool calls the answer carried (counted when they are assembled, on the finish chunk).</summary>
    public int ToolCallCount { get; private set; }

    /// <summary>Throws when <paramref name="request"/> required a tool call (<see cref="ChatToolMode.RequireAny"/> or a
    /// required function) and the answer has none, <c>finish_reason: tool_calls</c> with an empty list included: an agent
    /// loop would otherwise take a text (or empty) answer for a finished step.</summary>
    public void EnsureRequiredToolCall(VllmChatRequest request)
    {
        if (request.RequiredTool is not { } required || ToolCallCount > 0)
        {
            return;
        }

        var mode = required.RequiredFunctionName is { } name ? $"ToolMode RequireSpecific(\"{name}\")" : "ToolMode RequireAny";
        var answered = FinishReason == ChatFinishReason.ToolCalls
            ? "finish reason tool_calls with an empty list of calls"
            : string.Create(CultureInfo.InvariantCulture, $"{_textChars} characters of text, finish reason {FinishReason?.Value ?? "none"}");
        var features = request.Features;
        var hint = features.Version is { } version && !features.RequiredToolChoice
            ? $"The server is vLLM {version}, which predates tool_choice \"required\" (added in v{VllmServerFeatures.FirstRequiredToolChoice}), so the request asked for \"auto\" and the model answered without a call. Upgrade vLLM, and start it with --enable-auto-tool-choice --tool-call-parser <parser>."
            : "vLLM turns the model's output into tool calls only with the right parser: start it with --enable-auto-tool-choice --tool-call-parser <parser> (the parser of the model's family, for example hermes for Qwen2.5, llama3_json for Llama 3.1, mistral for Mistral; see docs/troubleshooting.md), and look for tool-parser errors in the server log.";
        throw new VllmException(null, $"The request required a tool call ({mode}), but the server answered without one ({answered}).", hint);
    }

    /// <summary>Logs a Warning when the answer is reasoning only (no text, no tool call), the turn an agent would take for an
    /// empty answer: most often <c>max_tokens</c> ran out while the model was thinking (finish reason <c>length</c>). The
    /// hint names what to change; the answer itself is left as the server sent it.</summary>
    /// <param name="logger">The client's logger.</param>
    /// <param name="modelId">The model asked.</param>
    public void ReportReasoningWithoutAnswer(ILogger logger, string modelId)
    {
        if (_reasoningChars == 0 || _textChars > 0 || ToolCallCount > 0)
        {
            return;
        }

        var cut = FinishReason == ChatFinishReason.Length;
        logger.ReasoningWithoutAnswer(
            modelId,
            _reasoningChars,
            FinishReason?.Value ?? "none",
            (cut ? "The output-token limit ran out while the model was thinking. " : "The model stopped after its reasoning without an answer. ")
                + "Raise ChatOptions.MaxOutputTokens, cap the thinking with ChatOptions.WithThinkingTokenBudget(n), or turn thinking off with ChatOptions.WithEnableThinking(false).");
    }

    /// <summary>What arrived so far, for error messages.</summary>
    public string DescribeReceived()
        => string.Create(CultureInfo.InvariantCulture, $"Received {_chunks} chunk(s), {_textChars} characters of text, finish reason {(FinishReason?.Value ?? "none")}");

    private ChatResponseUpdate? ParseChunk(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return _complete ? null : throw new JsonException("A chunk must be a JSON object.");
        }

        ChatResponseUpdate? update = null;
        AdditionalPropertiesDictionary? extras = null;
        var hasChoices = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    hasChoices = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadChoice(ref reader, ref update, ref extras);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    _responseId = Cached(ref reader, _responseId, ref _responseIdUtf8);
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    _modelId = Cached(ref reader, _modelId ?? _expectedModelId, ref _modelIdUtf8);
                }
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) && seconds is >= -62135596800 and <= 253402300799)
                {
                    _createdAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (VllmJsonValue.StartObject(ref reader))
                {
                    // With continuous_usage_stats every chunk has running totals; the last one wins.
                    _usage = VllmUsageCounts.Read(ref reader);
                }
            }
            else if (reader.ValueTextEquals("system_fingerprint"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    _fingerprint = reader.GetString();
                }
            }
            else if (!_complete && reader.ValueTextEquals("error"u8))
            {
                ThrowStreamError(data);
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
            }
            else
            {
                // prompt_token_ids, prompt_text, kv_transfer_params, metrics: kept when not null. The name is decoded only
                // then: most of these fields are null in every answer. (An escaped name, which vLLM never writes, is decoded
                // at once; a copy of the reader to decode it later would cost more than the name.)
                var escapedName = reader.ValueIsEscaped ? reader.GetString() : null;
                var rawName = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    (extras ??= [])[escapedName ?? Encoding.UTF8.GetString(rawName)] = ReadElement(ref reader);
                }
            }
        }

        if (_complete)
        {
            if (!hasChoices)
            {
                return null;
            }

            update ??= NewUpdate(null);
        }

        if (update is not null && _fingerprint is not null && (update.FinishReason is not null || _complete))
        {
            // After the whole chunk: vLLM writes system_fingerprint after choices.
            (extras ??= [])["system_fingerprint"] = _fingerprint;
        }

        if (update is not null && extras is not null)
        {
            update.AdditionalProperties = extras;
        }

        return update;
    }

    private void ReadChoice(ref Utf8JsonReader reader, ref ChatResponseUpdate? update, ref AdditionalPropertiesDictionary? extras)
    {
        var index = 0;
        string? text = null;
        string? reasoning = null;
        string? reasoningContent = null;
        string? refusal = null;
        var hasRole = false;
        ChatFinishReason? finish = null;
        var finished = false;
        List<VllmTokenLogprob>? logprobs = null;
        object? stopReason = null;
        var hasStopReason = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8) || (_complete && reader.ValueTextEquals("message"u8)))
            {
                if (!VllmJsonValue.StartObject(ref reader))
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("content"u8))
                    {
                        reader.Read();
                        text = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == 0 ? string.Empty : reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("reasoning"u8))
                    {
                        reasoning = VllmJsonValue.String(ref reader);
                    }
                    else if (reader.ValueTextEquals("reasoning_content"u8))
                    {
                        reasoningContent = VllmJsonValue.String(ref reader);
                    }
                    else if (reader.ValueTextEquals("role"u8))
                    {
                        reader.Read();
                        hasRole = reader.TokenType == JsonTokenType.String;
                    }
                    else if (reader.ValueTextEquals("tool_calls"u8) && index == 0)
                    {
                        // vLLM writes "index" before "delta", so calls of other choices (n > 1) are skipped here.
                        reader.Read();
                        ReadToolCalls(ref reader);
                    }
                    else if (reader.ValueTextEquals("refusal"u8))
                    {
                        refusal = VllmJsonValue.String(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                // A text completion's choice (/v1/completions): the text sits on the choice, not in a delta.
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : text;
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finished = reader.TokenType == JsonTokenType.String;
                finish = VllmChatMapping.MapFinishReason(ref reader);
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                reader.Read();
                hasStopReason = reader.TokenType != JsonTokenType.Null;
                stopReason = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number when reader.TryGetInt64(out var tokenId) => tokenId,
                    JsonTokenType.Null => null,
                    _ => ReadElement(ref reader),
                };
            }
            else if (reader.ValueTextEquals("logprobs"u8))
            {
                // null in nearly every chunk: nothing read, nothing allocated. Asked for: typed, never a JsonElement.
                if (VllmJsonValue.StartObject(ref reader))
                {
                    logprobs = VllmChatMapping.ReadLogprobs(ref reader);
                }
            }
            else if (reader.ValueTextEquals("token_ids"u8) || reader.ValueTextEquals("routed_experts"u8))
            {
                var name = reader.ValueTextEquals("token_ids"u8) ? "token_ids" : "routed_experts";
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    (extras ??= [])[name] = ReadElement(ref reader);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (index != 0)
        {
            return;
        }

        if (logprobs is not null)
        {
            (extras ??= [])[VllmChatResponseExtensions.LogprobsKey] = logprobs;
            if (!_complete)
            {
                (_answerLogprobs ??= []).AddRange(logprobs);
            }
        }

        // v0.11.1–v0.15 send the same delta under both names: take one.
        reasoning = string.IsNullOrEmpty(reasoning) ? reasoningContent : reasoning;
        if (_recovery is not null)
        {
            _recovery.ObserveReasoning(reasoning);
            text = _recovery.FilterText(text);
        }

        List<AIContent>? contents = null;
        if (!string.IsNullOrEmpty(reasoning))
        {
            _reasoningChars += reasoning.Length;
            (contents ??= new List<AIContent>(2)).Add(new TextReasoningContent(reasoning));
        }

        if (!string.IsNullOrEmpty(text))
        {
            _textChars += text.Length;
            (contents ??= new List<AIContent>(1)).Add(new TextContent(text));
        }

        if (!string.IsNullOrEmpty(refusal))
        {
            (contents ??= new List<AIContent>(1)).Add(new ErrorContent(refusal) { ErrorCode = "refusal" });
        }

        if (finished || _complete)
        {
            _finished |= finished;
            var serverCalls = _toolCalls is { Count: > 0 };
            AddToolCalls(ref contents);
            if (_recovery is not null)
            {
                var callsBefore = CountCalls(contents);
                finish = _recovery.Complete(ref contents, finish, serverCalls);
                ToolCallCount += CountCalls(contents) - callsBefore; // recovered calls count as calls (required tool choice)
            }

            FinishReason = finish ?? FinishReason;
        }

        if (contents is null && !finished && !hasRole && !_complete && logprobs is null)
        {
            return;
        }

        update ??= NewUpdate(contents);
        if (contents is not null && !ReferenceEquals(update.Contents, contents))
        {
            foreach (var content in contents)
            {
                update.Contents.Add(content);
            }
        }

        if (finished || _complete)
        {
            update.FinishReason = finish;
            if (_answerLogprobs is not null)
            {
                (extras ??= [])[VllmChatResponseExtensions.AnswerLogprobsKey] = _answerLogprobs;
            }

            if (hasStopReason)
            {
                (extras ??= [])["stop_reason"] = stopReason;
            }
        }
    }

    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var index = -1;
            var hasFunction = false;
            string? id = null;
            string? name = null;
            string? arguments = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    index = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : -1;
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    id = VllmJsonValue.String(ref reader);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    if (!VllmJsonValue.StartObject(ref reader))
                    {
                        continue;
                    }

                    hasFunction = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            name = VllmJsonValue.String(ref reader);
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            arguments = VllmJsonValue.String(ref reader);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            var builders = _toolCalls ??= [];
            if (_complete)
            {
                // A message's calls are whole (no index): each named one is a call of its own.
                if (hasFunction && !string.IsNullOrEmpty(name))
                {
                    var call = new ToolCallBuilder(builders.Count) { Id = id, Name = name };
                    call.Arguments.Append(arguments);
                    builders.Add(call);
                }

                continue;
            }

            // Later fragments carry only index and arguments (no id, no type); a fragment without an index belongs
            // to the call being built.
            var builder = index >= 0 ? builders.Find(b => b.Index == index) : (builders.Count > 0 ? builders[^1] : null);
            if (builder is null)
            {
                builder = new ToolCallBuilder(index >= 0 ? index : builders.Count);
                builders.Add(builder);
            }

            builder.Id ??= id;
            builder.Name ??= name;
            if (arguments is not null)
            {
                builder.Arguments.Append(arguments);
            }
        }
    }

    private static int CountCalls(List<AIContent>? contents)
    {
        var count = 0;
        if (contents is not null)
        {
            foreach (var content in contents)
            {
                count += content is FunctionCallContent ? 1 : 0;
            }
        }

        return count;
    }

    private void AddToolCalls(ref List<AIContent>? contents)
    {
        if (_toolCalls is not { Count: > 0 } builders)
        {
            return;
        }

        foreach (var builder in builders)
        {
            if (string.IsNullOrEmpty(builder.Name))
            {
                continue;
            }

            (contents ??= []).Add(VllmChatMapping.CreateFunctionCall(string.IsNullOrEmpty(builder.Id) ? VllmToolCallIds.New() : builder.Id, builder.Name, builder.Arguments.ToString()));
            ToolCallCount++;
        }

        _toolCalls = null;
    }

    private ChatResponseUpdate NewUpdate(List<AIContent>? contents) => new(ChatRole.Assistant, contents ?? [])
    {
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = _modelId,
        CreatedAt = _createdAt,
    };

    private void ThrowStreamError(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        using var document = JsonDocument.ParseValue(ref reader);
        var info = VllmErrors.ParseElement(document.RootElement);
        throw VllmErrors.FromStreamError(info, _errorContext!, DescribeReceived() + ".");
    }

    /// <summary>Every chunk repeats the id and model: compare the raw bytes and reuse the string instead of decoding it again
    /// (a whole answer is read once: nothing to keep, but the model asked for is compared and reused).</summary>
    private string? Cached(ref Utf8JsonReader reader, string? current, ref byte[] currentUtf8)
    {
        if (current is not null && !reader.HasValueSequence
            && (currentUtf8.Length > 0 ? !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual(currentUtf8) : reader.ValueTextEquals(current)))
        {
            return current;
        }

        var value = reader.GetString();
        currentUtf8 = _complete || reader.ValueIsEscaped || reader.HasValueSequence ? [] : reader.ValueSpan.ToArray();
        return value;
    }

    private static JsonElement ReadElement(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.Clone();
    }

    private static string Quote(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 200)]);
        return data.Length > 200 ? text + "…" : text;
    }

    private sealed class ToolCallBuilder(int index)
    {
        public int Index { get; } = index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
