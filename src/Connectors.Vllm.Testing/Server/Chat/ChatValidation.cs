namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The checks vLLM's chat request validators make before the model is looked up, in vLLM's order.</summary>
internal static class ChatValidation
{
    public static void Check(JsonObject body, EmulatedVersion version)
    {
        CheckMessagesPresent(body, version);
        CheckStreamAndTools(body);
        CheckToolChoice(body, version);
        if (body["stop"] is JsonArray stops && version.LimitsStopStrings && stops.Count > 4)
        {
            throw VllmProblem.Validation("too_long", new[] { "body", "stop" },
                $"List should have at most 4 items after validation, not {stops.Count.ToString(CultureInfo.InvariantCulture)}", PyText.Repr(stops));
        }

        CheckStructuredOutputs(body);
        if (RequestJson.String(body, "chat_template") is not null || body["chat_template_kwargs"]?["chat_template"] is not null)
        {
            throw VllmProblem.Check("Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.", null);
        }

        Validation.ContentParts.CheckShapes(body);
    }

    private static void CheckMessagesPresent(JsonObject body, EmulatedVersion version)
    {
        if (body["messages"] is null)
        {
            throw VllmProblem.Missing(body, "body", "messages");
        }

        CheckReasoningEffort(body, version);

        if (body["messages"] is not JsonArray messageList)
        {
            return;
        }

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
                throw VllmProblem.Missing(message, "body", "messages", index, "role");
            }
        }
    }

    /// <summary>pydantic's literal check of reasoning_effort, with the values the emulated version accepts (none before v0.10.1:
    /// the field is unknown there and ignored).</summary>
    private static void CheckReasoningEffort(JsonObject body, EmulatedVersion version)
    {
        if (body["reasoning_effort"] is not JsonValue effort || effort.GetValueKind() == JsonValueKind.Null || version.ReasoningEfforts is not { } accepted)
        {
            return;
        }

        if (effort.GetValueKind() != JsonValueKind.String || !accepted.Contains(effort.GetValue<string>()))
        {
            var quoted = accepted.Select(v => "'" + v + "'").ToArray();
            throw VllmProblem.Validation("literal_error", new[] { "body", "reasoning_effort" },
                $"Input should be {string.Join(", ", quoted[..^1])} or {quoted[^1]}", PyText.Repr(effort));
        }
    }

    private static void CheckStreamAndTools(JsonObject body)
    {
        if (body["stream_options"] is JsonObject { Count: > 0 } && !(RequestJson.Bool(body, "stream") ?? false))
        {
            throw VllmProblem.Check("Stream options can only be defined when `stream=True`.", "stream_options");
        }

        if (body["tools"] is not JsonArray tools)
        {
            return;
        }

        if (tools.Count == 0)
        {
            throw VllmProblem.Validation("too_short", new[] { "body", "tools" }, "List should have at least 1 item after validation, not 0", PyText.Repr(tools));
        }

        for (var i = 0; i < tools.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            if ((string?)(tools[i]?["type"] as JsonValue) != "function")
            {
                throw VllmProblem.Validation("literal_error", new[] { "body", "tools", index, "type" }, "Input should be 'function'", PyText.Repr(tools[i]?["type"]));
            }

            if (tools[i]?["function"]?["name"] is not JsonValue)
            {
                throw VllmProblem.Missing(tools[i]?["function"], "body", "tools", index, "function", "name");
            }
        }
    }

    private static void CheckToolChoice(JsonObject body, EmulatedVersion version)
    {
        if (!version.AcceptsRequiredToolChoice && body["tool_choice"] is JsonValue required && required.GetValueKind() == JsonValueKind.String && required.GetValue<string>() == "required")
        {
            // The request model's validator before v0.8.3 (reported by users of v0.6.x-0.8.2).
            throw VllmProblem.Check("`tool_choice` must either be a named tool, \"auto\", or \"none\".", null);
        }

        var toolChoice = body["tool_choice"];
        if (toolChoice is null || toolChoice.GetValueKind() == JsonValueKind.Null || (toolChoice is JsonValue tv && (string?)tv == "none"))
        {
            return;
        }

        if (body["tools"] is not JsonArray tools)
        {
            throw VllmProblem.Check("When using `tool_choice`, `tools` must be set.", "tool_choice", appendParameter: false);
        }

        if (toolChoice is JsonObject named)
        {
            var name = (string?)(named["function"]?["name"] as JsonValue);
            if (string.IsNullOrEmpty(name) || !tools.Any(t => (string?)(t?["function"]?["name"] as JsonValue) == name))
            {
                throw VllmProblem.Check("The tool specified in `tool_choice` does not match any of the specified `tools`", "tool_choice", appendParameter: false);
            }
        }
    }

    private static void CheckStructuredOutputs(JsonObject body)
    {
        if (body["response_format"] is JsonObject rf && (string?)(rf["type"] as JsonValue) == "json_schema" && rf["json_schema"] is not JsonObject)
        {
            throw VllmProblem.Check("When response_format type is 'json_schema', the 'json_schema' field must be provided.", "response_format", appendParameter: false);
        }

        if (body["structured_outputs"] is not JsonObject so)
        {
            return;
        }

        var set = ChatFields.StructuredConstraints.Count(k => so[k] is { } v && v.GetValueKind() != JsonValueKind.Null && v.GetValueKind() != JsonValueKind.False);
        if (set == 0)
        {
            throw VllmProblem.Check($"You must use one kind of structured outputs constraint but none are specified: {PyText.Repr(so)}", "structured_outputs", appendParameter: false);
        }

        if (set > 1)
        {
            throw VllmProblem.Check($"You can only use one kind of structured outputs constraint but multiple are specified: {PyText.Repr(so)}", "structured_outputs", appendParameter: false);
        }
    }

    /// <summary>Sampling parameter ranges (checked after the model and the context length, as vLLM does).</summary>
    public static void CheckSampling(JsonObject body)
    {
        CheckRange(body, "temperature", t => t < 0 || t > 2, "[0, 2]");
        CheckRange(body, "top_p", p => p <= 0 || p > 1, "(0, 1]");
        CheckRange(body, "frequency_penalty", v => v < -2 || v > 2, "[-2, 2]");
        CheckRange(body, "presence_penalty", v => v < -2 || v > 2, "[-2, 2]");
        CheckRange(body, "min_p", v => v < 0 || v > 1, "[0, 1]");
        if (RequestJson.Int(body, "n") is not { } n)
        {
            return;
        }

        var text = n.ToString(CultureInfo.InvariantCulture);
        if (n < 1)
        {
            throw VllmProblem.Check($"n must be at least 1, got {text}.", "n", text);
        }

        if (n > 1 && RequestJson.Number(body, "temperature") is 0)
        {
            throw VllmProblem.Check($"n must be 1 when using greedy sampling, got {text}.", "n", text);
        }

        if (n > 1)
        {
            throw VllmProblem.Check("[test server] n > 1 is not supported by the scripted test server.", "n", text);
        }
    }

    private static void CheckRange(JsonObject body, string name, System.Func<double, bool> outside, string range)
    {
        if (RequestJson.Number(body, name) is { } v && outside(v))
        {
            throw VllmProblem.Check($"{name} must be in {range}, got {PyText.Float(v)}.", name, PyText.Float(v));
        }
    }
}
