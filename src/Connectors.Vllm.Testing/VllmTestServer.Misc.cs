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

/// <content>Models, tokenization, metrics and the prompt "template".</content>
public sealed partial class VllmTestServer
{
    private Task ModelsAsync(HttpContext ctx)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ordered = _models.Where(m => m.Parent is null).Concat(_models.Where(m => m.Parent is not null));
        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var m in ordered)
            {
                w.WriteStartObject();
                w.WriteString("id", m.Id);
                w.WriteString("object", "model");
                w.WriteNumber("created", now);
                w.WriteString("owned_by", "vllm");
                w.WriteString("root", m.Root ?? m.Id);
                w.WriteStringOrNull("parent", m.Parent);
                if (m.Parent is null)
                {
                    w.WriteNumber("max_model_len", m.MaxModelLen);
                }
                else
                {
                    w.WriteNull("max_model_len");
                }

                w.WriteStartArray("permission");
                w.WriteStartObject();
                w.WriteString("id", "modelperm-" + NewId());
                w.WriteString("object", "model_permission");
                w.WriteNumber("created", now);
                w.WriteBoolean("allow_create_engine", false);
                w.WriteBoolean("allow_sampling", true);
                w.WriteBoolean("allow_logprobs", true);
                w.WriteBoolean("allow_search_indices", false);
                w.WriteBoolean("allow_view", true);
                w.WriteBoolean("allow_fine_tuning", false);
                w.WriteString("organization", "*");
                w.WriteNull("group");
                w.WriteBoolean("is_blocking", false);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return WriteJsonAsync(ctx, 200, json);
    }

    private async Task MetricsAsync(HttpContext ctx)
    {
        var sb = new StringBuilder();
        var model = _models[0].Id;
        var labels = $"engine=\"0\",model_name=\"{model}\"";
        void Metric(string name, string type, string help, string value, string? extraLabels = null)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            var sample = type == "counter" ? name + "_total" : name;
            sb.Append(sample).Append('{').Append(labels).Append(extraLabels).Append("} ").Append(value).Append('\n');
        }

        Metric("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", PyText.Float(Math.Max(0, InFlightRequestCount - 1)));
        Metric("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", "0.0");
        Metric("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", "0.0");
        Metric("vllm:prompt_tokens", "counter", "Number of prefill tokens processed.", PyText.Float(Interlocked.Read(ref _promptTokensTotal)));
        Metric("vllm:generation_tokens", "counter", "Number of generation tokens processed.", PyText.Float(Interlocked.Read(ref _generationTokensTotal)));
        Metric("vllm:request_success", "counter", "Count of successfully processed requests.", PyText.Float(Interlocked.Read(ref _successTotal)), ",finished_reason=\"stop\"");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    private Task TokenizeAsync(RequestState state, JsonObject body)
    {
        var model = ResolveModel(body, embedding: null, paramModel: true);
        var returnStrs = BoolField(body, "return_token_strs") ?? false;
        string text;
        if (body["messages"] is not null)
        {
            var messages = body["messages"] as JsonArray ?? throw VllmProblem.Validation("list_type", new[] { "body", "messages" }, "Input should be a valid list", PyText.Repr(body["messages"]));
            var special = BoolField(body, "add_special_tokens") ?? false;
            text = (special ? Bos : string.Empty) + RenderPrompt(messages, body["tools"] as JsonArray, BoolField(body, "add_generation_prompt") ?? true);
        }
        else if (body["prompt"] is JsonValue p && p.GetValueKind() == JsonValueKind.String)
        {
            text = ((BoolField(body, "add_special_tokens") ?? true) ? Bos : string.Empty) + p.GetValue<string>();
        }
        else
        {
            throw VllmProblem.Validation("missing", new[] { "body", "prompt" }, "Field required", PyText.Repr(body));
        }

        var tokens = _tokenizer.Split(text);
        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", tokens.Count);
            w.WriteNumber("max_model_len", MaxModelLen(model));
            w.WriteStartArray("tokens");
            foreach (var t in tokens)
            {
                w.WriteNumberValue(_tokenizer.Id(t));
            }

            w.WriteEndArray();
            if (returnStrs)
            {
                w.WriteStartArray("token_strs");
                foreach (var t in tokens)
                {
                    w.WriteStringValue(TestTokenizer.TokenString(t));
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("token_strs");
            }

            w.WriteEndObject();
        });
        return WriteJsonAsync(state.Context, 200, json);
    }

    private Task DetokenizeAsync(RequestState state, JsonObject body)
    {
        ResolveModel(body, embedding: null, paramModel: true);
        if (body["tokens"] is not JsonArray tokens)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "tokens" }, "Field required", PyText.Repr(body));
        }

        var ids = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is not JsonValue v || !v.TryGetValue<int>(out var id) || id < 0)
            {
                throw VllmProblem.Validation("greater_than_equal", new[] { "body", "tokens", i.ToString(CultureInfo.InvariantCulture) },
                    "Input should be greater than or equal to 0", PyText.Repr(tokens[i]));
            }

            ids.Add(id);
        }

        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("prompt", _tokenizer.Decode(ids));
            w.WriteEndObject();
        });
        return WriteJsonAsync(state.Context, 200, json);
    }

    private const string Bos = "<|begin_of_text|>";

    /// <summary>The test server's chat "template": ChatML-like, tools in a system block.</summary>
    private static string RenderPrompt(JsonArray messages, JsonArray? tools, bool addGenerationPrompt)
    {
        var sb = new StringBuilder();
        if (tools is { Count: > 0 })
        {
            sb.Append("<|im_start|>system\n# Tools\n").Append(PyText.Dumps(tools, ensureAscii: false)).Append("<|im_end|>\n");
        }

        foreach (var m in messages)
        {
            var role = (m?["role"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? (string?)m!["role"] : "user";
            sb.Append("<|im_start|>").Append(role).Append('\n').Append(MessageText(m?["content"]));
            if (m?["tool_calls"] is JsonArray calls)
            {
                foreach (var c in calls)
                {
                    sb.Append("<tool_call>\n").Append(PyText.Dumps(c?["function"], ensureAscii: false)).Append("\n</tool_call>");
                }
            }

            sb.Append("<|im_end|>\n");
        }

        if (addGenerationPrompt)
        {
            sb.Append("<|im_start|>assistant\n");
        }

        return sb.ToString();
    }

    private static string MessageText(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonArray parts:
                var sb = new StringBuilder();
                foreach (var part in parts.OfType<JsonObject>())
                {
                    var type = part["type"] is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : null;
                    if (type is "text" or "input_text" or "output_text" && part["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String)
                    {
                        sb.Append(t.GetValue<string>());
                    }
                    else if (type is not null)
                    {
                        sb.Append("<|").Append(type.Replace("_url", string.Empty, StringComparison.Ordinal)).Append("|>");
                    }
                }

                return sb.ToString();
            default:
                return string.Empty;
        }
    }

    private int MaxModelLen(VllmTestModel model)
    {
        if (model.Parent is { } parent && _models.FirstOrDefault(m => m.Id == parent) is { } p)
        {
            return p.MaxModelLen;
        }

        return model.MaxModelLen;
    }

    /// <summary>Finds the requested model; <paramref name="embedding"/> null accepts any kind.</summary>
    private VllmTestModel ResolveModel(JsonObject body, bool? embedding, bool paramModel)
    {
        var node = body["model"];
        string? name = null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            name = v.GetValue<string>();
        }
        else if (node is not null && node.GetValueKind() != JsonValueKind.Null)
        {
            throw VllmProblem.Validation("string_type", new[] { "body", "model" }, "Input should be a valid string", PyText.Repr(node));
        }

        if (string.IsNullOrEmpty(name))
        {
            return _models.FirstOrDefault(m => embedding is null || m.IsEmbedding == embedding) ?? throw VllmProblem.RouteNotFound();
        }

        var model = _models.FirstOrDefault(m => m.Id == name) ?? throw VllmProblem.NotFoundModel(name, paramModel);
        if (embedding is { } e && model.IsEmbedding != e)
        {
            // A vLLM server serves one model; the route for the other kind of task does not exist there.
            throw VllmProblem.RouteNotFound();
        }

        return model;
    }

    private static bool? BoolField(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    private static string? StringField(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? IntField(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : null;

    private static double? NumberField(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
