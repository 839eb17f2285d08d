using Connectors.Vllm.Testing.Server.Chat;
using Connectors.Vllm.Testing.Server.Completions;
using Connectors.Vllm.Testing.Server.Validation;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/completions: vLLM's checks in vLLM's order (§16.1), then the scripted completion as JSON or SSE (§16.2, §16.3).</summary>
internal sealed class CompletionsRoute(ServerState server) : ServerRoute(server, "POST", "/v1/completions")
{
    protected override async Task HandleAsync(RequestState request)
    {
        // The route exists only with the generate task (a speech-only or pooling server has none).
        if (!Server.Models.Any(m => !m.IsEmbedding && !m.IsTranscription))
        {
            throw Server.RouteAbsent("Completions");
        }

        var body = RequestJson.Parse(request);
        if (Server.Options.Strict)
        {
            foreach (var (name, _) in body)
            {
                if (!CompletionFields.Declared.Contains(name))
                {
                    throw Server.StrictReject(name, $"Request field `{name}`");
                }
            }
        }

        FieldTypes.Check(body, Server.Version, CompletionFields.Kinds);
        if (body["stream_options"] is { } so && so.GetValueKind() != JsonValueKind.Null && RequestJson.Bool(body, "stream") != true)
        {
            throw VllmProblem.Check("Stream options can only be defined when `stream=True`.", "stream_options");
        }

        if (RequestJson.Int(body, "logprobs") is { } logprobs)
        {
            var v = logprobs.ToString(CultureInfo.InvariantCulture);
            if (logprobs < 0)
            {
                throw VllmProblem.Check("`logprobs` must be a positive value.", "logprobs", v);
            }

            if (logprobs > 20)
            {
                throw VllmProblem.Check($"Requested sample logprobs of {v}, which is greater than max allowed: 20", "logprobs", v);
            }
        }

        if (RequestJson.Bool(body, "stream") == true && RequestJson.Bool(body, "use_beam_search") == true)
        {
            throw VllmProblem.Check("Streaming is not currently supported with beam search", null);
        }

        var model = Server.ResolveModel(body, embedding: false, paramModel: true);
        if (body["suffix"] is { } suffix && suffix.GetValueKind() != JsonValueKind.Null)
        {
            throw VllmProblem.Check("suffix is not currently supported", null);
        }

        var prompt = RequestJson.String(body, "prompt");
        if (string.IsNullOrEmpty(prompt))
        {
            throw body["prompt"] is JsonArray
                ? VllmProblem.Check("[test server] only a single string prompt is supported by the scripted test server.", "prompt")
                : VllmProblem.Check("Either prompt or prompt_embeds must be provided and non-empty.", "prompt");
        }

        var maxModelLen = Server.MaxModelLen(model);
        var maxTokens = (int)(RequestJson.Int(body, "max_tokens") ?? 16);
        if (maxTokens > maxModelLen)
        {
            var v = maxTokens.ToString(CultureInfo.InvariantCulture);
            throw VllmProblem.Check($"max_tokens={v} cannot be greater than max_model_len=max_total_tokens={maxModelLen.ToString(CultureInfo.InvariantCulture)}. Please request fewer output tokens.", "max_tokens", v);
        }

        ContextLength.CheckTruncation(body, maxModelLen);
        var promptTokens = Server.Tokenizer.Count(((RequestJson.Bool(body, "add_special_tokens") ?? true) ? PromptTemplate.Bos : string.Empty) + prompt);
        if (promptTokens + maxTokens > maxModelLen)
        {
            throw ContextLength.TooLong(maxModelLen, maxTokens, Math.Min(promptTokens, maxModelLen - maxTokens + 1));
        }

        ChatValidation.CheckSampling(body);
        var run = new CompletionRun(Server, body, model, prompt, promptTokens, maxTokens);
        var id = "cmpl-" + Server.RequestId(request.Context, RequestJson.String(body, "request_id"));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Server.CountChat(promptTokens, run.CompletionTokens);
        if (RequestJson.Bool(body, "stream") == true)
        {
            await StreamAsync(request, run, id, created).ConfigureAwait(false);
        }
        else
        {
            await HttpOut.WriteJsonAsync(request.Context, 200, Whole(run, id, created)).ConfigureAwait(false);
        }

        Server.CountSuccess();
    }

    /// <summary>The whole answer, every key in vLLM's order (§16.2).</summary>
    private byte[] Whole(CompletionRun run, string id, long created) => JsonOut.Build(w =>
    {
        WriteStart(w, run, id, created);
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteString("text", run.Text);
        run.WriteLogprobs(w, run.Echo is null ? run.Tokens : Server.Tokenizer.Split(run.Echo).Concat(run.Tokens).ToList(), 0);
        w.WriteString("finish_reason", run.FinishReason);
        w.WriteNull("stop_reason");
        w.WriteNull("token_ids");
        w.WriteNull("prompt_logprobs");
        w.WriteNull("prompt_token_ids");
        w.WriteNull("routed_experts");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("service_tier");
        w.WriteStringOrNull("system_fingerprint", Server.Fingerprint);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", run.PromptTokens);
        w.WriteNumber("total_tokens", run.PromptTokens + run.CompletionTokens);
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteNull("prompt_tokens_details");
        w.WriteEndObject();
        w.WriteNull("kv_transfer_params");
        w.WriteNull("ec_transfer_params");
        w.WriteNull("metrics");
        w.WriteEndObject();
    });

    /// <summary>One chunk per token with all seven choice keys, the finish reason on the last token (or on an empty-text chunk
    /// when the model stopped by itself), then the usage chunk when asked for (§16.3); the stream faults
    /// (<see cref="StreamFaults"/>) injected between them.</summary>
    private async Task StreamAsync(RequestState request, CompletionRun run, string id, long created)
    {
        var sse = await StreamFaults.StartAsync(Server, request, text => Chunk(run, id, created, text, [], 0, null)).ConfigureAwait(false);
        var offset = 0;
        for (var i = 0; i < run.Tokens.Count; i++)
        {
            var token = run.Tokens[i];
            var text = i == 0 && run.Echo is not null ? run.Echo + token : token;
            var last = i == run.Tokens.Count - 1 && run.FinishReason == "length";
            if (!await sse.SendAsync(Chunk(run, id, created, text, [token], offset, last ? run.FinishReason : null)).ConfigureAwait(false))
            {
                return;
            }

            offset += text.Length;
        }

        if (run.FinishReason == "stop" && !await sse.SendAsync(Chunk(run, id, created, string.Empty, [], offset, "stop")).ConfigureAwait(false))
        {
            return;
        }

        if (run.IncludeUsage && !await sse.SendAsync(UsageChunk(run, id, created)).ConfigureAwait(false))
        {
            return;
        }

        await sse.EndAsync().ConfigureAwait(false);
    }

    private byte[] UsageChunk(CompletionRun run, string id, long created) => JsonOut.Build(w =>
    {
        WriteStart(w, run, id, created);
        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", run.PromptTokens);
        w.WriteNumber("total_tokens", run.PromptTokens + run.CompletionTokens);
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteEndObject();
        if (Server.Fingerprint is { } fp)
        {
            w.WriteString("system_fingerprint", fp);
        }

        w.WriteEndObject();
    });

    private byte[] Chunk(CompletionRun run, string id, long created, string text, IReadOnlyList<string> tokens, int offset, string? finish) => JsonOut.Build(w =>
    {
        WriteStart(w, run, id, created);
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteString("text", text);
        run.WriteLogprobs(w, tokens, offset);
        w.WriteStringOrNull("finish_reason", finish);
        w.WriteNull("stop_reason");
        w.WriteNull("prompt_token_ids");
        w.WriteNull("token_ids");
        w.WriteEndObject();
        w.WriteEndArray();
        if (finish is not null && !run.IncludeUsage && Server.Fingerprint is { } fp)
        {
            w.WriteString("system_fingerprint", fp);
        }

        w.WriteEndObject();
    });

    /// <summary>Opens the answer or chunk: id, object, created, model, and the <c>choices</c> array.</summary>
    private static void WriteStart(Utf8JsonWriter w, CompletionRun run, string id, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "text_completion");
        w.WriteNumber("created", created);
        w.WriteString("model", run.Model.Id);
        w.WriteStartArray("choices");
    }
}
