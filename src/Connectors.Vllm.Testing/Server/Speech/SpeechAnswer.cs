namespace Connectors.Vllm.Testing.Server.Speech;

/// <summary>Writes a speech-to-text answer as vLLM does (§15.5, §15.6): one JSON object, or SSE chunks without role or index
/// with the stream faults (<see cref="StreamFaults"/>) injected between them.</summary>
internal static class SpeechAnswer
{
    public static async Task WriteAsync(ServerState server, RequestState request, SpeechRun run)
    {
        if (run.Stream)
        {
            await StreamAsync(server, request, run).ConfigureAwait(false);
        }
        else
        {
            await HttpOut.WriteJsonAsync(request.Context, 200, Whole(run)).ConfigureAwait(false);
        }

        server.CountSuccess();
    }

    /// <summary><c>{"text":…,"usage":{"type":"duration","seconds":N}}</c> (translations: no usage); verbose_json with one segment.</summary>
    private static byte[] Whole(SpeechRun run) => JsonOut.Build(w =>
    {
        w.WriteStartObject();
        if (run.ResponseFormat == "verbose_json")
        {
            w.WritePropertyName("duration");
            w.WritePyFloat(run.DurationSeconds);
            w.WriteString("language", run.Form["language"] is { Length: > 0 } language && !run.Translate ? language : "en");
            w.WriteString("text", run.Text);
            w.WriteStartArray("segments");
            w.WriteStartObject();
            w.WriteNumber("id", 0);
            w.WritePropertyName("avg_logprob");
            w.WritePyFloat(-0.25);
            w.WritePropertyName("compression_ratio");
            w.WritePyFloat(1.2);
            w.WritePropertyName("end");
            w.WritePyFloat(run.DurationSeconds);
            w.WriteNull("no_speech_prob");
            w.WriteNumber("seek", 0);
            w.WritePropertyName("start");
            w.WritePyFloat(0);
            w.WritePropertyName("temperature");
            w.WritePyFloat(0);
            w.WriteString("text", run.Text);
            w.WriteStartArray("tokens");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNull("words");
        }
        else
        {
            w.WriteString("text", run.Text);
            if (!run.Translate)
            {
                w.WriteStartObject("usage");
                w.WriteString("type", "duration");
                w.WriteNumber("seconds", (long)Math.Ceiling(run.DurationSeconds));
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
    });

    private static async Task StreamAsync(ServerState server, RequestState request, SpeechRun run)
    {
        var ctx = request.Context;
        var id = (run.Translate ? "translate-" : "transcribe-") + server.RequestId(ctx, null);
        var kind = run.Translate ? "translation.chunk" : "transcription.chunk";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var includeUsage = run.Bool("stream_include_usage");
        var continuous = includeUsage && run.Bool("stream_continuous_usage_stats");

        // Whisper: 100 audio tokens per second plus the decoder prompt; every generated token counts, the end token too.
        var promptTokens = (int)Math.Ceiling(run.DurationSeconds * 100) + 4 + server.Tokenizer.Count(run.Form["prompt"] ?? string.Empty);
        var tokens = server.Tokenizer.Split(run.Text);
        var sse = await StreamFaults.StartAsync(server, request, text => Chunk(id, kind, created, run.Model.Id, w => WriteDelta(w, text), null)).ConfigureAwait(false);
        var count = 0;
        foreach (var token in tokens)
        {
            count++;
            if (!await sse.SendAsync(Chunk(id, kind, created, run.Model.Id, w => WriteDelta(w, token), continuous ? (promptTokens, count) : null)).ConfigureAwait(false))
            {
                return;
            }
        }

        var finish = Chunk(id, kind, created, run.Model.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("delta");
            w.WriteString("content", string.Empty);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteNull("stop_reason");
            w.WriteEndObject();
        }, null);
        if (!await sse.SendAsync(finish).ConfigureAwait(false))
        {
            return;
        }

        if (includeUsage && !await sse.SendAsync(Chunk(id, kind, created, run.Model.Id, null, (promptTokens, tokens.Count + 1))).ConfigureAwait(false))
        {
            return;
        }

        await sse.EndAsync().ConfigureAwait(false);
    }

    /// <summary>A choice with only a <c>delta</c> (no role, no index, no finish reason).</summary>
    private static void WriteDelta(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteStartObject("delta");
        w.WriteString("content", text);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Chunk(string id, string kind, long created, string model, Action<Utf8JsonWriter>? choice, (int Prompt, int Completion)? usage) => JsonOut.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteStartArray("choices");
        choice?.Invoke(w);
        w.WriteEndArray();
        if (usage is { } u)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", u.Prompt);
            w.WriteNumber("total_tokens", u.Prompt + u.Completion);
            w.WriteNumber("completion_tokens", u.Completion);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });
}
