using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server;
using Microsoft.AspNetCore.Http;

namespace Connectors.Vllm.Testing;

/// <content>POST /v1/chat/completions: validation, the scripted answer, JSON and SSE output.</content>
public sealed partial class VllmTestServer
{
    /// <summary>Prefix of every scripted answer, so nobody mistakes the output for a model's.</summary>
    internal const string AnswerPrefix = "[test-model] ";

    private const string ReasoningText = "[test-model] reasoning: this is a scripted test server, not a model.";

    private async Task ChatAsync(RequestState state, JsonObject body)
    {
        var ctx = state.Context;
        CheckTypes(body);
        if (Options.Strict)
        {
            CheckStrictChat(body);
        }

        CheckChatValidators(body);
        var model = ResolveModel(body, embedding: false, paramModel: true);
        var tools = body["tools"] as JsonArray;
        var toolChoice = ToolChoiceOf(body, tools);
        var hasParser = Options.ToolCallParser is not null;
        if (tools is not null)
        {
            if (toolChoice == "auto" && !(hasParser && Options.EnableAutoToolChoice))
            {
                throw VllmProblem.Check("\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set", null);
            }

            if (!hasParser && _version.RequiredToolChoiceNeedsParser)
            {
                if (toolChoice == "required")
                {
                    throw VllmProblem.Check("tool_choice=\"required\" requires --tool-call-parser to be set", null);
                }

                if (toolChoice.StartsWith("named:", StringComparison.Ordinal))
                {
                    throw VllmProblem.Check($"tool_choice=function \"{toolChoice[6..]}\" requires --tool-call-parser to be set", null);
                }
            }
        }

        var maxModelLen = MaxModelLen(model);
        var maxName = body["max_completion_tokens"] is { } mct && mct.GetValueKind() != JsonValueKind.Null ? "max_completion_tokens" : "max_tokens";
        var maxTokens = IntField(body, maxName);
        if (maxTokens is < 1)
        {
            throw VllmProblem.Check($"{maxName} must be at least 1, got {maxTokens.Value.ToString(CultureInfo.InvariantCulture)}.", maxName, maxTokens.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (maxTokens > maxModelLen)
        {
            var v = maxTokens.Value.ToString(CultureInfo.InvariantCulture);
            throw VllmProblem.Check(
                $"{maxName}={v} cannot be greater than max_model_len=max_total_tokens={maxModelLen.ToString(CultureInfo.InvariantCulture)}. Please request fewer output tokens.",
                maxName, v);
        }

        CheckTruncation(body, maxModelLen);
        var messages = (JsonArray)body["messages"]!;
        var prompt = RenderPrompt(messages, tools, BoolField(body, "add_generation_prompt") ?? true);
        var promptTokens = _tokenizer.Count(prompt);
        var requested = (int)(maxTokens ?? 0);
        if (promptTokens + requested > maxModelLen)
        {
            var reported = Math.Min(promptTokens, maxModelLen - requested + 1);
            throw VllmProblem.Check(
                $"This model's maximum context length is {maxModelLen.ToString(CultureInfo.InvariantCulture)} tokens. However, you requested {requested.ToString(CultureInfo.InvariantCulture)} output tokens and your prompt contains at least {reported.ToString(CultureInfo.InvariantCulture)} input tokens, for a total of at least {(reported + requested).ToString(CultureInfo.InvariantCulture)} tokens. Please reduce the length of the input prompt or the number of requested output tokens.",
                "input_tokens", reported.ToString(CultureInfo.InvariantCulture));
        }

        CheckSampling(body);
        var budget = maxTokens.HasValue ? (int)maxTokens.Value : maxModelLen - promptTokens;
        var run = Plan(model, body, messages, tools, toolChoice, budget);
        var delay = TakeFault(state, k => k == VllmTestFaultKind.DelayFirstToken);
        if (delay is not null)
        {
            await FaultDelayAsync(state, delay.Parameter ?? 1000).ConfigureAwait(false);
        }

        var id = "chatcmpl-" + RequestId(ctx, StringField(body, "request_id"));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Interlocked.Add(ref _promptTokensTotal, promptTokens);
        Interlocked.Add(ref _generationTokensTotal, run.CompletionTokens);
        if (BoolField(body, "stream") == true)
        {
            await StreamChatAsync(state, body, model, run, id, created, promptTokens).ConfigureAwait(false);
        }
        else
        {
            var json = JsonOut.Build(w => WriteChatResponse(w, model, run, id, created, promptTokens));
            await WriteJsonAsync(ctx, 200, json).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _successTotal);
    }

    private static void CheckTruncation(JsonObject body, int maxModelLen)
    {
        if (IntField(body, "truncate_prompt_tokens") is { } t && t > maxModelLen)
        {
            throw VllmProblem.Check(
                "truncate_prompt_tokens value is greater than max_model_len. Please request a smaller truncation size.",
                "truncate_prompt_tokens", t.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string ToolChoiceOf(JsonObject body, JsonArray? tools)
    {
        switch (body["tool_choice"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonObject o when (string?)(o["function"]?["name"] as JsonValue) is { } name:
                return "named:" + name;
            default:
                return tools is null ? "none" : "auto";
        }
    }

    private ChatRun Plan(VllmTestModel model, JsonObject body, JsonArray messages, JsonArray? tools, string toolChoice, int budget)
    {
        var events = new List<PlanEvent>();
        var calls = new List<PlannedCall>();
        var named = toolChoice.StartsWith("named:", StringComparison.Ordinal);
        var thinking = model.IsReasoning
            && !(body["chat_template_kwargs"]?["enable_thinking"] is JsonValue et && et.GetValueKind() == JsonValueKind.False)
            && StringField(body, "reasoning_effort") != "none";
        var hideReasoning = BoolField(body, "include_reasoning") == false;
        if (thinking)
        {
            foreach (var t in _tokenizer.Split(ReasoningText))
            {
                events.Add(new PlanEvent(PlanEventKind.Reasoning, t, 1));
            }

            events.Add(new PlanEvent(PlanEventKind.ThinkEnd, "</think>", 1));
        }

        var last = messages.Count > 0 ? messages[^1] as JsonObject : null;
        var lastRole = (string?)(last?["role"] as JsonValue);
        var userText = messages.OfType<JsonObject>().LastOrDefault(m => (string?)(m["role"] as JsonValue) == "user") is { } um ? MessageText(um["content"]) : string.Empty;

        if (tools is not null && toolChoice != "none")
        {
            var chosen = new List<JsonObject>();
            var toolObjects = tools.OfType<JsonObject>().ToList();
            if (named)
            {
                chosen.Add(toolObjects.First(t => (string?)(t["function"]?["name"] as JsonValue) == toolChoice[6..]));
            }
            else if (lastRole != "tool" || toolChoice == "required")
            {
                chosen.AddRange(toolObjects
                    .Select(t => (Tool: t, Pos: ToolMention.Position(userText, (string?)(t["function"]?["name"] as JsonValue) ?? string.Empty)))
                    .Where(x => x.Pos >= 0)
                    .OrderBy(x => x.Pos)
                    .Select(x => x.Tool));
                if (chosen.Count == 0 && toolChoice == "required" && toolObjects.Count > 0)
                {
                    chosen.Add(toolObjects[0]);
                }

                if (BoolField(body, "parallel_tool_calls") == false && chosen.Count > 1)
                {
                    chosen.RemoveRange(1, chosen.Count - 1);
                }
            }

            for (var i = 0; i < chosen.Count; i++)
            {
                var fn = chosen[i]["function"]!;
                var name = (string)fn["name"]!;
                var args = PyText.Dumps(JsonSchemaSample.Create(fn["parameters"], userText), ensureAscii: false);
                calls.Add(new PlannedCall("chatcmpl-tool-" + NewId(), name, args));
                var startCost = named ? 0 : _tokenizer.Count($"<tool_call>\n{{\"name\": \"{name}\", \"arguments\": ");
                events.Add(new PlanEvent(PlanEventKind.ToolStart, name, startCost, i));
                foreach (var t in _tokenizer.Split(args))
                {
                    events.Add(new PlanEvent(PlanEventKind.ToolArguments, t, 1, i));
                }

                events.Add(new PlanEvent(PlanEventKind.ToolEnd, string.Empty, named ? 0 : _tokenizer.Count("}\n</tool_call>"), i));
            }
        }

        string? stopReason = null;
        if (calls.Count == 0)
        {
            var text = lastRole == "tool"
                ? AnswerPrefix + "tool result: " + MessageText(last!["content"])
                : StructuredAnswer(body) ?? AnswerPrefix + "echo: " + (userText.Length > 0 ? userText : "(no user message)");
            (text, stopReason) = ApplyStop(body, text);
            foreach (var t in _tokenizer.Split(text))
            {
                events.Add(new PlanEvent(PlanEventKind.Content, t, 1));
            }
        }

        var used = 0;
        var emitted = new List<PlanEvent>();
        var truncated = false;
        foreach (var ev in events)
        {
            if (used + ev.Cost > budget)
            {
                truncated = true;
                break;
            }

            used += ev.Cost;
            emitted.Add(ev);
        }

        if (!truncated)
        {
            if (used + 1 > budget)
            {
                truncated = true;
            }
            else
            {
                used++; // EOS (or the stop string's token)
            }
        }

        var finish = truncated ? "length" : calls.Count > 0 && !named ? "tool_calls" : "stop";
        return new ChatRun(emitted, calls, finish, truncated ? null : stopReason, used, named, thinking, hideReasoning);
    }

    private static (string Text, string? StopReason) ApplyStop(JsonObject body, string text)
    {
        var stops = body["stop"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => new[] { v.GetValue<string>() },
            JsonArray a => a.Select(s => (string?)(s as JsonValue)).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray(),
            _ => Array.Empty<string>(),
        };
        var best = -1;
        string? hit = null;
        foreach (var s in stops)
        {
            var i = text.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best))
            {
                best = i;
                hit = s;
            }
        }

        if (hit is null)
        {
            return (text, null);
        }

        var keep = BoolField(body, "include_stop_str_in_output") == true;
        return (text[..(best + (keep ? hit.Length : 0))], hit);
    }

    private string? StructuredAnswer(JsonObject body)
    {
        if (body["response_format"] is JsonObject rf)
        {
            switch ((string?)(rf["type"] as JsonValue))
            {
                case "json_schema":
                    return JsonSchemaSample.Create(rf["json_schema"]?["schema"])?.ToJsonString() ?? "{}";
                case "json_object":
                    return "{}";
            }
        }

        var so = body["structured_outputs"] as JsonObject;
        if (so is null && _version.AcceptsGuided)
        {
            so = new JsonObject();
            foreach (var (k, target) in new[] { ("guided_json", "json"), ("guided_regex", "regex"), ("guided_choice", "choice"), ("guided_grammar", "grammar") })
            {
                if (body[k] is { } v)
                {
                    so[target] = v.DeepClone();
                }
            }
        }

        if (so is null)
        {
            return null;
        }

        if (so["json"] is { } schema)
        {
            if (schema is JsonValue sv && sv.GetValueKind() == JsonValueKind.String)
            {
                try
                {
                    schema = JsonNode.Parse(sv.GetValue<string>());
                }
                catch (JsonException)
                {
                    schema = null;
                }
            }

            return JsonSchemaSample.Create(schema)?.ToJsonString() ?? "{}";
        }

        if (so["choice"] is JsonArray { Count: > 0 } choices)
        {
            return choices[0] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : choices[0]?.ToJsonString();
        }

        if (so["json_object"] is JsonValue jo && jo.GetValueKind() == JsonValueKind.True)
        {
            return "{}";
        }

        if (so["regex"] is not null)
        {
            return "test-regex-output";
        }

        return so["grammar"] is not null || so["structural_tag"] is not null ? "test-grammar-output" : null;
    }

    private (bool Reasoning, bool ReasoningContent) ReasoningNames() => Options.ReasoningField switch
    {
        VllmReasoningField.Reasoning => (true, false),
        VllmReasoningField.ReasoningContent => (false, true),
        VllmReasoningField.Both => (true, true),
        _ => (_version.SendsReasoning, _version.SendsReasoningContent),
    };

    private void WriteChatResponse(Utf8JsonWriter w, VllmTestModel model, ChatRun run, string id, long created, int promptTokens)
    {
        var reasoning = run.ShowReasoning ? string.Concat(run.Events.Where(e => e.Kind == PlanEventKind.Reasoning).Select(e => e.Text)) : null;
        var thinkClosed = !run.Thinking || run.Events.Any(e => e.Kind == PlanEventKind.ThinkEnd);
        var completeCalls = run.Calls.Where((c, i) => run.Events.Any(e => e.Kind == PlanEventKind.ToolEnd && e.CallIndex == i)).ToList();
        string? content;
        if (!thinkClosed || (run.Calls.Count > 0 && !run.Named))
        {
            content = null;
        }
        else
        {
            content = string.Concat(run.Events.Where(e => e.Kind == PlanEventKind.Content).Select(e => e.Text));
        }

        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", model.Id);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteStringOrNull("content", content);
        w.WriteNull("refusal");
        w.WriteNull("annotations");
        w.WriteNull("audio");
        w.WriteNull("function_call");
        if (completeCalls.Count > 0 || !_version.OmitsEmptyToolCalls)
        {
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

        var (r, rc) = ReasoningNames();
        if (r)
        {
            w.WriteStringOrNull("reasoning", reasoning is { Length: > 0 } ? reasoning : null);
        }

        if (rc)
        {
            w.WriteStringOrNull("reasoning_content", reasoning is { Length: > 0 } ? reasoning : null);
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", run.FinishReason);
        w.WriteStringOrNull("stop_reason", run.StopReason);
        w.WriteNull("token_ids");
        w.WriteNull("routed_experts");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("service_tier");
        w.WriteStringOrNull("system_fingerprint", Fingerprint);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("total_tokens", promptTokens + run.CompletionTokens);
        w.WriteNumber("completion_tokens", run.CompletionTokens);
        w.WriteNull("prompt_tokens_details");
        w.WriteEndObject();
        w.WriteNull("prompt_logprobs");
        w.WriteNull("prompt_token_ids");
        if (_version.AcceptsReturnPromptText)
        {
            w.WriteNull("prompt_text");
        }

        w.WriteNull("kv_transfer_params");
        w.WriteNull("ec_transfer_params");
        w.WriteNull("metrics");
        w.WriteEndObject();
    }
}
