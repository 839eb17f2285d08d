namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>One SSE chat completion: the chunks vLLM sends (§7), with the stream faults (<see cref="StreamFaults"/>) injected between events.</summary>
internal sealed class ChatStream
{
    private readonly ServerState _server;
    private readonly RequestState _request;
    private readonly ChatRun _run;
    private readonly string _id;
    private readonly long _created;
    private readonly string _model;
    private readonly int _promptTokens;
    private readonly bool _includeUsage;
    private readonly bool _continuousUsage;
    private readonly (bool Asked, int Top) _logprobs;

    public ChatStream(ServerState server, RequestState request, JsonObject body, VllmTestModel model, ChatRun run, string id, long created, int promptTokens)
    {
        _server = server;
        _request = request;
        _run = run;
        _id = id;
        _created = created;
        _model = model.Id;
        _promptTokens = promptTokens;
        _includeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.GetValueKind() == JsonValueKind.True;
        _logprobs = TokenLogprobs.Of(body);
        _continuousUsage = _includeUsage && body["stream_options"]?["continuous_usage_stats"] is JsonValue cu && cu.GetValueKind() == JsonValueKind.True;
    }

    public async Task WriteAsync()
    {
        var (deltas, finishDelta) = StreamDeltas.Build(_run, _server.ReasoningNames());
        var sse = await StreamFaults.StartAsync(_server, _request, text => Chunk(new JsonObject { ["content"] = text }, null, first: false, null, fingerprint: false)).ConfigureAwait(false);

        var role = new JsonObject { ["role"] = "assistant", ["content"] = string.Empty };
        if (!await sse.SendAsync(Chunk(role, null, first: true, Usage(0), fingerprint: false)).ConfigureAwait(false))
        {
            return;
        }

        foreach (var (delta, count) in deltas)
        {
            if (!await sse.SendAsync(Chunk(delta, null, first: false, Usage(count), fingerprint: false)).ConfigureAwait(false))
            {
                return;
            }
        }

        if (!await sse.SendAsync(Chunk(finishDelta, _run, first: false, Usage(_run.CompletionTokens), fingerprint: !_includeUsage)).ConfigureAwait(false))
        {
            return;
        }

        if (_includeUsage && !await sse.SendAsync(UsageChunk()).ConfigureAwait(false))
        {
            return;
        }

        await sse.EndAsync().ConfigureAwait(false);
    }

    private (int, int)? Usage(int completion) => _continuousUsage ? (_promptTokens, completion) : null;

    /// <summary>A <c>chat.completion.chunk</c>; a <paramref name="finish"/> run makes it the finish chunk.</summary>
    private byte[] Chunk(JsonObject delta, ChatRun? finish, bool first, (int Prompt, int Completion)? usage, bool fingerprint) =>
        JsonOut.Build(w =>
        {
            WriteChunkStart(w);
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WritePropertyName("delta");
            delta.WriteTo(w);
            TokenLogprobs.Write(w, _logprobs, first ? [] : TokenLogprobs.TokensOf(delta));
            if (finish is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finish.FinishReason);
                w.WriteStringOrNull("stop_reason", finish.StopReason);
            }

            if (!first)
            {
                w.WriteNull("token_ids");
            }

            w.WriteEndObject();
            w.WriteEndArray();
            if (usage is { } u)
            {
                WriteUsage(w, u.Prompt, u.Completion);
            }

            if (first)
            {
                w.WriteNull("prompt_token_ids");
                if (_server.Version.AcceptsReturnPromptText)
                {
                    w.WriteNull("prompt_text");
                }
            }

            WriteChunkEnd(w, fingerprint);
        });

    private byte[] UsageChunk() =>
        JsonOut.Build(w =>
        {
            WriteChunkStart(w);
            w.WriteEndArray();
            WriteUsage(w, _promptTokens, _run.CompletionTokens);
            WriteChunkEnd(w, fingerprint: true);
        });

    /// <summary>Writes the chunk's id, object, created, model and opens <c>choices</c>.</summary>
    private void WriteChunkStart(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", _id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", _created);
        w.WriteString("model", _model);
        w.WriteStartArray("choices");
    }

    private void WriteChunkEnd(Utf8JsonWriter w, bool fingerprint)
    {
        if (fingerprint && _server.Fingerprint is { } fp)
        {
            w.WriteString("system_fingerprint", fp);
        }

        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, int prompt, int completion)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("total_tokens", prompt + completion);
        w.WriteNumber("completion_tokens", completion);
        w.WriteEndObject();
    }
}
