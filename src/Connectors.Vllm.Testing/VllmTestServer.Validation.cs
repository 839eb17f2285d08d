using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Vllm.Testing.Server;

namespace Connectors.Vllm.Testing;

/// <content>Request validation: pydantic-style type errors, strict mode, vLLM's own checks.</content>
public sealed partial class VllmTestServer
{
    private static void CheckTypes(JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            if (value is null || value.GetValueKind() == JsonValueKind.Null || !ChatFields.Kinds.TryGetValue(name, out var kind))
            {
                continue;
            }

            var valueKind = value.GetValueKind();
            var loc = new[] { "body", name };
            switch (kind)
            {
                case FieldKind.Float:
                    if (valueKind == JsonValueKind.String && !double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        throw VllmProblem.Validation("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", PyText.Repr(value));
                    }

                    if (valueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        throw VllmProblem.Validation("float_type", loc, "Input should be a valid number", PyText.Repr(value));
                    }

                    break;
                case FieldKind.Int:
                    if (valueKind == JsonValueKind.String && !long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    {
                        throw VllmProblem.Validation("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", PyText.Repr(value));
                    }

                    if (valueKind == JsonValueKind.Number && value.GetValue<double>() is var d && d != Math.Floor(d))
                    {
                        throw VllmProblem.Validation("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", PyText.Repr(value));
                    }

                    if (valueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        throw VllmProblem.Validation("int_type", loc, "Input should be a valid integer", PyText.Repr(value));
                    }

                    break;
                case FieldKind.Bool:
                    if (valueKind == JsonValueKind.String && value.GetValue<string>().ToLowerInvariant() is not ("true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0" or "t" or "f" or "y" or "n"))
                    {
                        throw VllmProblem.Validation("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", PyText.Repr(value));
                    }

                    if (valueKind == JsonValueKind.Number && value.GetValue<double>() is not (0 or 1))
                    {
                        throw VllmProblem.Validation("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", PyText.Repr(value));
                    }

                    if (valueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        throw VllmProblem.Validation("bool_type", loc, "Input should be a valid boolean", PyText.Repr(value));
                    }

                    break;
                case FieldKind.String:
                    if (valueKind != JsonValueKind.String)
                    {
                        throw VllmProblem.Validation("string_type", loc, "Input should be a valid string", PyText.Repr(value));
                    }

                    break;
                case FieldKind.List:
                    if (valueKind != JsonValueKind.Array)
                    {
                        throw VllmProblem.Validation("list_type", loc, "Input should be a valid list", PyText.Repr(value));
                    }

                    break;
                case FieldKind.Dict:
                    if (valueKind != JsonValueKind.Object)
                    {
                        throw VllmProblem.Validation("dict_type", loc, "Input should be a valid dictionary", PyText.Repr(value));
                    }

                    break;
            }
        }
    }

    private HashSet<string> AcceptedChatFields()
    {
        var accepted = new HashSet<string>(ChatFields.OpenAi, StringComparer.Ordinal);
        accepted.UnionWith(ChatFields.VllmExtra);
        if (!_version.AcceptsReturnPromptText)
        {
            accepted.Remove("return_prompt_text");
        }

        if (_version.AcceptsStructuredOutputs)
        {
            accepted.Add("structured_outputs");
        }

        if (_version.AcceptsGuided)
        {
            accepted.UnionWith(ChatFields.Guided);
            accepted.Add("best_of");
        }

        if (_version.AcceptsLogitsProcessors)
        {
            accepted.Add("logits_processors");
        }

        return accepted;
    }

    private VllmProblem StrictReject(string param, string what) =>
        VllmProblem.Check(
            $"[strict test server] {what} is not accepted by vLLM {Options.ServerVersion}; real vLLM would silently ignore it.",
            param);

    private void CheckStrictChat(JsonObject body)
    {
        var accepted = AcceptedChatFields();
        foreach (var (name, _) in body)
        {
            if (!accepted.Contains(name))
            {
                throw StrictReject(name, $"Request field `{name}`");
            }
        }

        if (body["stream_options"] is JsonObject so)
        {
            foreach (var (key, _) in so)
            {
                if (key is not ("include_usage" or "continuous_usage_stats"))
                {
                    throw StrictReject("stream_options." + key, $"`stream_options.{key}`");
                }
            }
        }

        if (body["messages"] is JsonArray messages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is not JsonObject m)
                {
                    continue;
                }

                foreach (var (key, value) in m)
                {
                    var ok = ChatFields.MessageKeys.Contains(key);

                    // Reasoning sent back: "reasoning_content" was dropped from v0.16.0 until PR #42664 (assumed 0.22.0)
                    // took it again as "reasoning"; before that PR "reasoning" is an unknown key the server ignores.
                    if ((key == "reasoning_content" && _version.AtLeast(0, 16, 0) && !_version.AtLeast(0, 22, 0))
                        || (key == "reasoning" && !_version.AtLeast(0, 22, 0)))
                    {
                        ok = false;
                    }

                    if (!ok)
                    {
                        throw StrictReject($"messages[{i}].{key}", $"Message key `{key}`");
                    }

                    if (key == "tool_calls" && value is JsonArray calls)
                    {
                        for (var j = 0; j < calls.Count; j++)
                        {
                            foreach (var (ck, cv) in calls[j] as JsonObject ?? new JsonObject())
                            {
                                if (ck is not ("id" or "type" or "function"))
                                {
                                    throw StrictReject($"messages[{i}].tool_calls[{j}].{ck}", $"Tool call key `{ck}`");
                                }

                                if (ck == "function" && cv is JsonObject fn && fn.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "arguments")) is { } bad)
                                {
                                    throw StrictReject($"messages[{i}].tool_calls[{j}].function.{bad}", $"Tool call function key `{bad}`");
                                }
                            }
                        }
                    }
                }
            }
        }

        if (body["tools"] is JsonArray tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                foreach (var (key, value) in tools[i] as JsonObject ?? new JsonObject())
                {
                    if (key is not ("type" or "function" or "defer_loading"))
                    {
                        throw StrictReject($"tools[{i}].{key}", $"Tool key `{key}`");
                    }

                    if (key == "function" && value is JsonObject fn &&
                        fn.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "description" or "parameters" or "strict" or "defer_loading")) is { } bad)
                    {
                        throw StrictReject($"tools[{i}].function.{bad}", $"Tool function key `{bad}`");
                    }
                }
            }
        }

        if (body["response_format"] is JsonObject rf)
        {
            var type = (string?)(rf["type"] as JsonValue);
            var allowed = type switch
            {
                "json_schema" => new[] { "type", "json_schema" },
                "structural_tag" => new[] { "type", "structures", "triggers", "format" },
                _ => new[] { "type" },
            };
            foreach (var (key, _) in rf)
            {
                if (!allowed.Contains(key))
                {
                    throw StrictReject("response_format." + key, $"`response_format.{key}`");
                }
            }

            if (rf["json_schema"] is JsonObject js &&
                js.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "description" or "schema" or "strict")) is { } badKey)
            {
                throw StrictReject("response_format.json_schema." + badKey, $"`response_format.json_schema.{badKey}`");
            }
        }

        if (body["structured_outputs"] is JsonObject so2)
        {
            foreach (var (key, _) in so2)
            {
                if (!ChatFields.StructuredKeys.Contains(key))
                {
                    throw StrictReject("structured_outputs." + key, $"`structured_outputs.{key}`");
                }
            }
        }
    }

    /// <summary>Checks vLLM itself makes before the model check (request validators).</summary>
    private void CheckChatValidators(JsonObject body)
    {
        if (body["messages"] is null)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "messages" }, "Field required", PyText.Repr(body));
        }

        if (body["reasoning_effort"] is JsonValue effort && effort.GetValueKind() != JsonValueKind.Null &&
            (effort.GetValueKind() != JsonValueKind.String || effort.GetValue<string>() is not ("none" or "minimal" or "low" or "medium" or "high" or "xhigh" or "max")))
        {
            throw VllmProblem.Validation("literal_error", new[] { "body", "reasoning_effort" },
                "Input should be 'none', 'minimal', 'low', 'medium', 'high', 'xhigh' or 'max'", PyText.Repr(effort));
        }

        if (body["messages"] is JsonArray messageList)
        {
            for (var i = 0; i < messageList.Count; i++)
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                if (messageList[i] is not JsonObject message)
                {
                    throw VllmProblem.Validation("model_attributes_type", new[] { "body", "messages", index },
                        "Input should be a valid dictionary or object to extract fields from", PyText.Repr(messageList[i]));
                }

                if (message["role"] is not JsonValue role || role.GetValueKind() != JsonValueKind.String)
                {
                    throw VllmProblem.Validation("missing", new[] { "body", "messages", index, "role" }, "Field required", PyText.Repr(message));
                }
            }
        }

        var stream = BoolField(body, "stream") ?? false;
        if (body["stream_options"] is JsonObject { Count: > 0 } && !stream)
        {
            throw VllmProblem.Check("Stream options can only be defined when `stream=True`.", "stream_options");
        }

        if (body["tools"] is JsonArray { Count: 0 } emptyTools)
        {
            throw VllmProblem.Validation("too_short", new[] { "body", "tools" }, "List should have at least 1 item after validation, not 0", PyText.Repr(emptyTools));
        }

        if (body["tools"] is JsonArray tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                var type = (string?)(tools[i]?["type"] as JsonValue);
                if (type != "function")
                {
                    throw VllmProblem.Validation("literal_error", new[] { "body", "tools", i.ToString(CultureInfo.InvariantCulture), "type" },
                        "Input should be 'function'", PyText.Repr(tools[i]?["type"]));
                }

                if (tools[i]?["function"]?["name"] is not JsonValue)
                {
                    throw VllmProblem.Validation("missing", new[] { "body", "tools", i.ToString(CultureInfo.InvariantCulture), "function", "name" },
                        "Field required", PyText.Repr(tools[i]?["function"]));
                }
            }
        }

        var toolChoice = body["tool_choice"];
        if (toolChoice is not null && toolChoice.GetValueKind() != JsonValueKind.Null && !(toolChoice is JsonValue tv && (string?)tv == "none"))
        {
            if (body["tools"] is not JsonArray)
            {
                throw VllmProblem.Check("When using `tool_choice`, `tools` must be set.", "tool_choice", appendParameter: false);
            }

            if (toolChoice is JsonObject named)
            {
                var name = (string?)(named["function"]?["name"] as JsonValue);
                if (string.IsNullOrEmpty(name) || !((JsonArray)body["tools"]!).Any(t => (string?)(t?["function"]?["name"] as JsonValue) == name))
                {
                    throw VllmProblem.Check("The tool specified in `tool_choice` does not match any of the specified `tools`", "tool_choice", appendParameter: false);
                }
            }
        }

        if (body["stop"] is JsonArray stops && _version.LimitsStopStrings && stops.Count > 4)
        {
            throw VllmProblem.Validation("too_long", new[] { "body", "stop" },
                $"List should have at most 4 items after validation, not {stops.Count.ToString(CultureInfo.InvariantCulture)}", PyText.Repr(stops));
        }

        if (body["response_format"] is JsonObject rf && (string?)(rf["type"] as JsonValue) == "json_schema" && rf["json_schema"] is not JsonObject)
        {
            throw VllmProblem.Check("When response_format type is 'json_schema', the 'json_schema' field must be provided.", "response_format", appendParameter: false);
        }

        if (body["structured_outputs"] is JsonObject so)
        {
            var set = ChatFields.StructuredConstraints.Where(k => so[k] is { } v && v.GetValueKind() != JsonValueKind.Null && !(v.GetValueKind() == JsonValueKind.False)).ToArray();
            if (set.Length == 0)
            {
                throw VllmProblem.Check($"You must use one kind of structured outputs constraint but none are specified: {PyText.Repr(so)}", "structured_outputs", appendParameter: false);
            }

            if (set.Length > 1)
            {
                throw VllmProblem.Check($"You can only use one kind of structured outputs constraint but multiple are specified: {PyText.Repr(so)}", "structured_outputs", appendParameter: false);
            }
        }

        if (StringField(body, "chat_template") is not null || body["chat_template_kwargs"]?["chat_template"] is not null)
        {
            throw VllmProblem.Check("Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.", null);
        }

        if (body["messages"] is JsonArray messages)
        {
            foreach (var m in messages)
            {
                if (m?["content"] is JsonArray parts)
                {
                    foreach (var part in parts.OfType<JsonObject>())
                    {
                        var type = part["type"] is JsonValue partType && partType.GetValueKind() == JsonValueKind.String ? partType.GetValue<string>() : null;
                        if (type is not null && !ChatFields.ContentPartTypes.Contains(type))
                        {
                            throw VllmProblem.Check(
                                $"Unsupported chat content part type: '{type}'. Supported types: {string.Join(", ", ChatFields.ContentPartTypes.Select(t => "'" + t + "'"))}.",
                                null);
                        }
                    }
                }
            }
        }
    }

    private static void CheckSampling(JsonObject body)
    {
        if (NumberField(body, "temperature") is { } t && (t < 0 || t > 2))
        {
            throw VllmProblem.Check($"temperature must be in [0, 2], got {PyText.Float(t)}.", "temperature", PyText.Float(t));
        }

        if (NumberField(body, "top_p") is { } p && (p <= 0 || p > 1))
        {
            throw VllmProblem.Check($"top_p must be in (0, 1], got {PyText.Float(p)}.", "top_p", PyText.Float(p));
        }

        foreach (var penalty in new[] { "frequency_penalty", "presence_penalty" })
        {
            if (NumberField(body, penalty) is { } v && (v < -2 || v > 2))
            {
                throw VllmProblem.Check($"{penalty} must be in [-2, 2], got {PyText.Float(v)}.", penalty, PyText.Float(v));
            }
        }

        if (NumberField(body, "min_p") is { } minP && (minP < 0 || minP > 1))
        {
            throw VllmProblem.Check($"min_p must be in [0, 1], got {PyText.Float(minP)}.", "min_p", PyText.Float(minP));
        }

        if (IntField(body, "n") is { } n)
        {
            if (n < 1)
            {
                throw VllmProblem.Check($"n must be at least 1, got {n.ToString(CultureInfo.InvariantCulture)}.", "n", n.ToString(CultureInfo.InvariantCulture));
            }

            if (n > 1 && NumberField(body, "temperature") is 0)
            {
                throw VllmProblem.Check($"n must be 1 when using greedy sampling, got {n.ToString(CultureInfo.InvariantCulture)}.", "n", n.ToString(CultureInfo.InvariantCulture));
            }

            if (n > 1)
            {
                throw VllmProblem.Check("[test server] n > 1 is not supported by the scripted test server.", "n", n.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
