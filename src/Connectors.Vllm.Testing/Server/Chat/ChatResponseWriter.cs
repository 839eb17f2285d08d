namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The non-streaming chat completion body, field for field as vLLM writes it.</summary>
internal sealed class ChatResponseWriter
{
    private readonly ServerState _server;

    public ChatResponseWriter(ServerState server) => _server = server;

    public byte[] Write(VllmTestModel model, ChatRun run, string id, long created, int promptTokens, (bool Asked, int Top) logprobs) => JsonOut.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", model.Id);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        WriteMessage(w, run);
        // Every generated token, reasoning included, unless include_reasoning: false hides it (vLLM then drops logprobs too).
        TokenLogprobs.Write(w, run.HideReasoning ? default : logprobs, run.Events.Where(e => e.Kind is PlanEventKind.Reasoning or PlanEventKind.Content or PlanEventKind.ToolArguments && e.Text.Length > 0).Select(e => e.Text).ToList());
        w.WriteString("finish_reason", run.FinishReason);
        w.WriteStringOrNull("stop_reason", run.StopReason);
        w.WriteNull("token_ids");
        w.WriteNull("routed_experts");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("service_tier");
        w.WriteStringOrNull("system_fingerprint", _server.Fingerprint);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("total_tokens", promptTokens + run.CompletionTokens);
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteNull("prompt_tokens_details");
        w.WriteEndObject();
        w.WriteNull("prompt_logprobs");
        w.WriteNull("prompt_token_ids");
        if (_server.Version.AcceptsReturnPromptText)
        {
            w.WriteNull("prompt_text");
        }

        w.WriteNull("kv_transfer_params");
        w.WriteNull("ec_transfer_params");
        w.WriteNull("metrics");
        w.WriteEndObject();
    });

    private void WriteMessage(Utf8JsonWriter w, ChatRun run)
    {
        var reasoning = run.ShowReasoning ? string.Concat(run.Events.Where(e => e.Kind == PlanEventKind.Reasoning).Select(e => e.Text)) : null;
        var thinkClosed = !run.Thinking || run.Events.Any(e => e.Kind == PlanEventKind.ThinkEnd);
        var content = !thinkClosed || (run.Calls.Count > 0 && !run.Named)
            ? null
            : string.Concat(run.Events.Where(e => e.Kind == PlanEventKind.Content).Select(e => e.Text));
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteStringOrNull("content", content);
        w.WriteNull("refusal");
        w.WriteNull("annotations");
        w.WriteNull("audio");
        w.WriteNull("function_call");
        WriteToolCalls(w, run);
        var (r, rc) = _server.ReasoningNames();
        if (r)
        {
            w.WriteStringOrNull("reasoning", reasoning is { Length: > 0 } ? reasoning : null);
        }

        if (rc)
        {
            w.WriteStringOrNull("reasoning_content", reasoning is { Length: > 0 } ? reasoning : null);
        }

        w.WriteEndObject();
    }

    private void WriteToolCalls(Utf8JsonWriter w, ChatRun run)
    {
        // Only calls whose arguments were generated to the end (max_tokens may cut the last one).
        var completeCalls = run.Calls.Where((c, i) => run.Events.Any(e => e.Kind == PlanEventKind.ToolEnd && e.CallIndex == i)).ToList();
        if (completeCalls.Count == 0 && _server.Version.OmitsEmptyToolCalls)
        {
            return;
        }

        w.WriteStartArray("tool_calls");
        foreach (var c in completeCalls)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", c.Name);
            w.WriteString("arguments", c.Arguments);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
