using Connectors.Vllm.Testing.Server.Chat;
using Connectors.Vllm.Testing.Server.Validation;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/chat/completions: vLLM's checks in vLLM's order, then the scripted answer as JSON or SSE.</summary>
internal sealed class ChatCompletionsRoute(ServerState server) : ServerRoute(server, "POST", "/v1/chat/completions")
{
    private readonly ChatStrictMode _strict = new(server);
    private readonly ChatPlanner _planner = new(server);
    private readonly ChatResponseWriter _writer = new(server);

    protected override async Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        FieldTypes.Check(body, Server.Version);
        if (Server.Options.Strict)
        {
            _strict.Check(body);
        }

        ChatValidation.Check(body, Server.Version);
        var model = Server.ResolveModel(body, embedding: false, paramModel: true);
        ContentParts.CheckModalities(body, model);
        var tools = body["tools"] as JsonArray;
        var toolChoice = ChatPlanner.ToolChoiceOf(body, tools);
        CheckToolFlags(tools, toolChoice);
        var maxModelLen = Server.MaxModelLen(model);
        var maxTokens = MaxTokens(body, maxModelLen);
        ContextLength.CheckTruncation(body, maxModelLen);
        var messages = (JsonArray)body["messages"]!;
        if (MistralMode.IsOn(Server.Options))
        {
            MistralMode.Check(messages);
        }
        var prompt = PromptTemplate.Render(messages, tools, RequestJson.Bool(body, "add_generation_prompt") ?? true);
        var promptTokens = Server.Tokenizer.Count(prompt);
        var requested = (int)(maxTokens ?? 0);
        if (promptTokens + requested > maxModelLen)
        {
            throw ContextLength.TooLong(maxModelLen, requested, Math.Min(promptTokens, maxModelLen - requested + 1));
        }

        ChatValidation.CheckSampling(body);
        var budget = maxTokens.HasValue ? (int)maxTokens.Value : maxModelLen - promptTokens;
        var noCall = tools is null ? null : Server.TakeFault(request, k => k == VllmTestFaultKind.NoToolCall);
        var run = _planner.Plan(model, body, messages, tools, noCall is null ? toolChoice : "none", budget);
        if (noCall?.Parameter == 1 && run.FinishReason == "stop")
        {
            run = run with { FinishReason = "tool_calls" }; // vLLM #20470: "tool_calls" with no call
        }

        await AnswerAsync(request, body, model, run, promptTokens).ConfigureAwait(false);
    }

    private async Task AnswerAsync(RequestState request, JsonObject body, VllmTestModel model, ChatRun run, int promptTokens)
    {
        if (Server.TakeFault(request, k => k == VllmTestFaultKind.DelayFirstToken) is { } delay)
        {
            await Server.FaultDelayAsync(request, delay.Parameter ?? 1000).ConfigureAwait(false);
        }

        var id = "chatcmpl-" + Server.RequestId(request.Context, RequestJson.String(body, "request_id"));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Server.CountChat(promptTokens, run.CompletionTokens);
        if (RequestJson.Bool(body, "stream") == true)
        {
            await new ChatStream(Server, request, body, model, run, id, created, promptTokens).WriteAsync().ConfigureAwait(false);
        }
        else
        {
            await HttpOut.WriteJsonAsync(request.Context, 200, _writer.Write(model, run, id, created, promptTokens, TokenLogprobs.Of(body))).ConfigureAwait(false);
        }

        Server.CountSuccess();
    }

    /// <summary>Tool choices that need the server's --enable-auto-tool-choice / --tool-call-parser flags.</summary>
    private void CheckToolFlags(JsonArray? tools, string toolChoice)
    {
        var hasParser = Server.Options.ToolCallParser is not null;
        if (tools is null)
        {
            return;
        }

        if (toolChoice == "auto" && !(hasParser && Server.Options.EnableAutoToolChoice))
        {
            throw VllmProblem.Check("\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set", null);
        }

        if (hasParser || !Server.Version.RequiredToolChoiceNeedsParser)
        {
            return;
        }

        if (toolChoice == "required")
        {
            throw VllmProblem.Check("tool_choice=\"required\" requires --tool-call-parser to be set", null);
        }

        if (toolChoice.StartsWith("named:", StringComparison.Ordinal))
        {
            throw VllmProblem.Check($"tool_choice=function \"{toolChoice[6..]}\" requires --tool-call-parser to be set", null);
        }
    }

    /// <summary>max_completion_tokens (or max_tokens), checked against 1 and max_model_len.</summary>
    private static long? MaxTokens(JsonObject body, int maxModelLen)
    {
        var maxName = body["max_completion_tokens"] is { } mct && mct.GetValueKind() != JsonValueKind.Null ? "max_completion_tokens" : "max_tokens";
        var maxTokens = RequestJson.Int(body, maxName);
        if (maxTokens is < 1)
        {
            var v = maxTokens.Value.ToString(CultureInfo.InvariantCulture);
            throw VllmProblem.Check($"{maxName} must be at least 1, got {v}.", maxName, v);
        }

        if (maxTokens > maxModelLen)
        {
            var v = maxTokens.Value.ToString(CultureInfo.InvariantCulture);
            throw VllmProblem.Check(
                $"{maxName}={v} cannot be greater than max_model_len=max_total_tokens={maxModelLen.ToString(CultureInfo.InvariantCulture)}. Please request fewer output tokens.",
                maxName, v);
        }

        return maxTokens;
    }
}
