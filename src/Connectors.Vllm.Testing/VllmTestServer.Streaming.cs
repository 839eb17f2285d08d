using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server;
using Microsoft.AspNetCore.Http;

namespace Connectors.Vllm.Testing;

/// <content>SSE output of chat completions, chunked as vLLM does (§7), and the stream faults.</content>
public sealed partial class VllmTestServer
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    private async Task StreamChatAsync(RequestState state, JsonObject body, VllmTestModel model, ChatRun run, string id, long created, int promptTokens)
    {
        var ctx = state.Context;
        var ct = ctx.RequestAborted;
        var includeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.GetValueKind() == JsonValueKind.True;
        var continuous = includeUsage && body["stream_options"]?["continuous_usage_stats"] is JsonValue cu && cu.GetValueKind() == JsonValueKind.True;
        var (useReasoning, useReasoningContent) = ReasoningNames();

        // Turn the generated steps into deltas, each with the completion-token count reached when it is sent.
        var deltas = new List<(JsonObject Delta, int Tokens)>();
        var tokens = 0;
        var pendingNamed = -1;
        var pendingMerge = -1;
        foreach (var ev in run.Events)
        {
            tokens += ev.Cost;
            switch (ev.Kind)
            {
                case PlanEventKind.Reasoning when run.ShowReasoning:
                    var rd = new JsonObject();
                    if (useReasoning)
                    {
                        rd["reasoning"] = ev.Text;
                    }

                    if (useReasoningContent)
                    {
                        rd["reasoning_content"] = ev.Text;
                    }

                    deltas.Add((rd, tokens));
                    break;
                case PlanEventKind.Content:
                    deltas.Add((new JsonObject { ["content"] = ev.Text }, tokens));
                    break;
                case PlanEventKind.ToolStart when run.Named:
                    pendingNamed = ev.CallIndex;
                    break;
                case PlanEventKind.ToolStart when ev.CallIndex > 0:
                    // Hermes sometimes sends the name and the first argument fragment as two entries with the
                    // same index in one tool_calls array (§7.3); later calls do so here, so clients meet both shapes.
                    pendingMerge = ev.CallIndex;
                    break;
                case PlanEventKind.ToolStart:
                    deltas.Add((new JsonObject { ["content"] = null, ["tool_calls"] = new JsonArray(ToolHead(run.Calls[ev.CallIndex], ev.CallIndex)) }, tokens));
                    break;
                case PlanEventKind.ToolArguments when pendingMerge == ev.CallIndex:
                    deltas.Add((new JsonObject
                    {
                        ["content"] = null,
                        ["tool_calls"] = new JsonArray(ToolHead(run.Calls[ev.CallIndex], ev.CallIndex), ToolArguments(ev.CallIndex, ev.Text)),
                    }, tokens));
                    pendingMerge = -1;
                    break;
                case PlanEventKind.ToolArguments when pendingNamed == ev.CallIndex:
                    var first = run.Calls[ev.CallIndex];
                    deltas.Add((new JsonObject
                    {
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["id"] = first.Id,
                            ["type"] = "function",
                            ["index"] = ev.CallIndex,
                            ["function"] = new JsonObject { ["name"] = first.Name, ["arguments"] = ev.Text },
                        }),
                    }, tokens));
                    pendingNamed = -1;
                    break;
                case PlanEventKind.ToolArguments:
                    var argDelta = new JsonObject();
                    if (!run.Named)
                    {
                        argDelta["content"] = null;
                    }

                    argDelta["tool_calls"] = new JsonArray(ToolArguments(ev.CallIndex, ev.Text));
                    deltas.Add((argDelta, tokens));
                    break;
            }
        }

        if (pendingMerge >= 0 || pendingNamed >= 0)
        {
            // Cut off by max_tokens right after the name: the name still went out.
            var index = Math.Max(pendingMerge, pendingNamed);
            var head = new JsonObject();
            if (!run.Named)
            {
                head["content"] = null;
            }

            head["tool_calls"] = new JsonArray(ToolHead(run.Calls[index], index));
            deltas.Add((head, tokens));
        }

        JsonObject finishDelta;
        if (run.FinishReason == "length" && deltas.Count > 0)
        {
            // The last generated token travels in the finish chunk.
            finishDelta = deltas[^1].Delta;
            deltas.RemoveAt(deltas.Count - 1);
        }
        else
        {
            finishDelta = run.Calls.Count > 0 || run.FinishReason == "length" ? new JsonObject() : new JsonObject { ["content"] = string.Empty };
        }

        var streamFault = TakeFault(state, k => k is VllmTestFaultKind.StallMidStream or VllmTestFaultKind.CloseMidStream or VllmTestFaultKind.NoDone
            or VllmTestFaultKind.ErrorEvent or VllmTestFaultKind.MalformedChunk or VllmTestFaultKind.OversizedLine);
        var faultAt = streamFault?.Kind == VllmTestFaultKind.OversizedLine ? 1 : streamFault?.Parameter ?? 2;
        if (streamFault?.Kind == VllmTestFaultKind.OversizedLine)
        {
            faultAt = 1;
        }

        var response = ctx.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        await response.StartAsync(ct).ConfigureAwait(false);
        var written = 0;

        // Returns false when the stream must end here.
        async Task<bool> BeforeEventAsync()
        {
            if (streamFault is null || written != faultAt)
            {
                return true;
            }

            switch (streamFault.Kind)
            {
                case VllmTestFaultKind.StallMidStream:
                    await FaultDelayAsync(state, Timeout.Infinite).ConfigureAwait(false);
                    return false;
                case VllmTestFaultKind.CloseMidStream:
                    state.ServerClosed = true;
                    ctx.Abort();
                    return false;
                case VllmTestFaultKind.ErrorEvent:
                    await WriteRawAsync(ctx, Encoding.UTF8.GetBytes(
                        "data: {\"error\": {\"message\": \"Internal server error\", \"type\": \"InternalServerError\", \"param\": null, \"code\": 500}}\n\n")).ConfigureAwait(false);
                    await WriteRawAsync(ctx, DoneEvent).ConfigureAwait(false);
                    return false;
                case VllmTestFaultKind.MalformedChunk:
                    await WriteRawAsync(ctx, Encoding.UTF8.GetBytes(
                        "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[malformed\n\n")).ConfigureAwait(false);
                    written++;
                    return true;
                case VllmTestFaultKind.OversizedLine:
                    var size = streamFault.Parameter ?? (1024 * 1024);
                    var big = new JsonObject { ["content"] = new string('x', Math.Max(1, size)) };
                    await WriteEventAsync(ctx, Chunk(id, created, model.Id, big, null, first: false, null, fingerprint: false)).ConfigureAwait(false);
                    written++;
                    return true;
                default:
                    return true;
            }
        }

        (int, int)? Usage(int completion) => continuous ? (promptTokens, completion) : null;

        if (!await BeforeEventAsync().ConfigureAwait(false))
        {
            return;
        }

        await WriteEventAsync(ctx, Chunk(id, created, model.Id, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null, first: true, Usage(0), fingerprint: false)).ConfigureAwait(false);
        written++;
        foreach (var (delta, count) in deltas)
        {
            if (!await BeforeEventAsync().ConfigureAwait(false))
            {
                return;
            }

            await WriteEventAsync(ctx, Chunk(id, created, model.Id, delta, null, first: false, Usage(count), fingerprint: false)).ConfigureAwait(false);
            written++;
        }

        if (!await BeforeEventAsync().ConfigureAwait(false))
        {
            return;
        }

        await WriteEventAsync(ctx, Chunk(id, created, model.Id, finishDelta, run, first: false, Usage(run.CompletionTokens), fingerprint: !includeUsage)).ConfigureAwait(false);
        written++;
        if (includeUsage)
        {
            if (!await BeforeEventAsync().ConfigureAwait(false))
            {
                return;
            }

            await WriteEventAsync(ctx, UsageChunk(id, created, model.Id, promptTokens, run.CompletionTokens)).ConfigureAwait(false);
            written++;
        }

        if (!await BeforeEventAsync().ConfigureAwait(false))
        {
            return;
        }

        if (streamFault?.Kind != VllmTestFaultKind.NoDone)
        {
            await WriteRawAsync(ctx, DoneEvent).ConfigureAwait(false);
        }
    }

    private static JsonObject ToolHead(PlannedCall call, int index) => new()
    {
        ["id"] = call.Id,
        ["type"] = "function",
        ["index"] = index,
        ["function"] = new JsonObject { ["name"] = call.Name },
    };

    private static JsonObject ToolArguments(int index, string fragment) => new()
    {
        ["index"] = index,
        ["function"] = new JsonObject { ["arguments"] = fragment },
    };

    private byte[] Chunk(string id, long created, string model, JsonObject delta, ChatRun? finish, bool first, (int Prompt, int Completion)? usage, bool fingerprint) =>
        JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WritePropertyName("delta");
            delta.WriteTo(w);
            w.WriteNull("logprobs");
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
                WriteStreamUsage(w, u.Prompt, u.Completion);
            }

            if (first)
            {
                w.WriteNull("prompt_token_ids");
                if (_version.AcceptsReturnPromptText)
                {
                    w.WriteNull("prompt_text");
                }
            }

            if (fingerprint && Fingerprint is { } fp)
            {
                w.WriteString("system_fingerprint", fp);
            }

            w.WriteEndObject();
        });

    private byte[] UsageChunk(string id, long created, string model, int prompt, int completion) =>
        JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteStreamUsage(w, prompt, completion);
            if (Fingerprint is { } fp)
            {
                w.WriteString("system_fingerprint", fp);
            }

            w.WriteEndObject();
        });

    private static void WriteStreamUsage(Utf8JsonWriter w, int prompt, int completion)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("total_tokens", prompt + completion);
        w.WriteNumber("completion_tokens", completion);
        w.WriteEndObject();
    }

    private static async Task WriteEventAsync(HttpContext ctx, byte[] json)
    {
        var body = ctx.Response.Body;
        await body.WriteAsync(DataPrefix, ctx.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(json, ctx.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(EventEnd, ctx.RequestAborted).ConfigureAwait(false);
        await body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteRawAsync(HttpContext ctx, byte[] bytes)
    {
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
