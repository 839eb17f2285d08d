namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>Strict mode for chat: 400 for any field (top-level or nested) the emulated vLLM does not declare.</summary>
internal sealed class ChatStrictMode
{
    private readonly ServerState _server;

    public ChatStrictMode(ServerState server) => _server = server;

    public void Check(JsonObject body)
    {
        var accepted = AcceptedFields();
        foreach (var (name, _) in body)
        {
            if (!accepted.Contains(name))
            {
                throw _server.StrictReject(name, $"Request field `{name}`");
            }
        }

        if (body["stream_options"] is JsonObject so)
        {
            RejectKeysOutside(so, k => k is "include_usage" or "continuous_usage_stats", "stream_options.", "`stream_options.{0}`");
        }

        if (body["messages"] is JsonArray messages)
        {
            CheckMessages(messages);
        }

        if (body["tools"] is JsonArray tools)
        {
            CheckTools(tools);
        }

        if (body["response_format"] is JsonObject rf)
        {
            CheckResponseFormat(rf);
        }

        if (body["structured_outputs"] is JsonObject so2)
        {
            RejectKeysOutside(so2, ChatFields.StructuredKeys.Contains, "structured_outputs.", "`structured_outputs.{0}`");
        }
    }

    private HashSet<string> AcceptedFields()
    {
        var version = _server.Version;
        var accepted = new HashSet<string>(ChatFields.OpenAi, StringComparer.Ordinal);
        accepted.UnionWith(ChatFields.VllmExtra);
        accepted.RemoveWhere(field => !version.Declares(field));

        if (version.AcceptsStructuredOutputs)
        {
            accepted.Add("structured_outputs");
        }

        if (version.AcceptsGuided)
        {
            accepted.UnionWith(ChatFields.Guided);
            accepted.Add("best_of");
        }

        if (version.AcceptsLogitsProcessors)
        {
            accepted.Add("logits_processors");
        }

        return accepted;
    }

    private void RejectKeysOutside(JsonObject obj, Func<string, bool> allowed, string paramPrefix, string whatFormat)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed(key))
            {
                throw _server.StrictReject(paramPrefix + key, string.Format(System.Globalization.CultureInfo.InvariantCulture, whatFormat, key));
            }
        }
    }

    private void CheckMessages(JsonArray messages)
    {
        var version = _server.Version;
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
                if ((key == "reasoning_content" && version.AtLeast(0, 16, 0) && !version.AtLeast(0, 22, 0))
                    || (key == "reasoning" && !version.AtLeast(0, 22, 0)))
                {
                    ok = false;
                }

                if (!ok)
                {
                    throw _server.StrictReject($"messages[{i}].{key}", $"Message key `{key}`");
                }

                if (key == "tool_calls" && value is JsonArray calls)
                {
                    CheckToolCalls(i, calls);
                }
            }
        }
    }

    private void CheckToolCalls(int message, JsonArray calls)
    {
        for (var j = 0; j < calls.Count; j++)
        {
            foreach (var (ck, cv) in calls[j] as JsonObject ?? new JsonObject())
            {
                if (ck is not ("id" or "type" or "function"))
                {
                    throw _server.StrictReject($"messages[{message}].tool_calls[{j}].{ck}", $"Tool call key `{ck}`");
                }

                if (ck == "function" && cv is JsonObject fn && fn.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "arguments")) is { } bad)
                {
                    throw _server.StrictReject($"messages[{message}].tool_calls[{j}].function.{bad}", $"Tool call function key `{bad}`");
                }
            }
        }
    }

    private void CheckTools(JsonArray tools)
    {
        for (var i = 0; i < tools.Count; i++)
        {
            foreach (var (key, value) in tools[i] as JsonObject ?? new JsonObject())
            {
                if (key is not ("type" or "function" or "defer_loading"))
                {
                    throw _server.StrictReject($"tools[{i}].{key}", $"Tool key `{key}`");
                }

                if (key == "function" && value is JsonObject fn &&
                    fn.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "description" or "parameters" or "strict" or "defer_loading")) is { } bad)
                {
                    throw _server.StrictReject($"tools[{i}].function.{bad}", $"Tool function key `{bad}`");
                }
            }
        }
    }

    private void CheckResponseFormat(JsonObject rf)
    {
        var allowed = (string?)(rf["type"] as JsonValue) switch
        {
            "json_schema" => new[] { "type", "json_schema" },
            "structural_tag" => new[] { "type", "structures", "triggers", "format" },
            _ => new[] { "type" },
        };
        RejectKeysOutside(rf, allowed.Contains, "response_format.", "`response_format.{0}`");
        if (rf["json_schema"] is JsonObject js)
        {
            RejectKeysOutside(js, k => k is "name" or "description" or "schema" or "strict", "response_format.json_schema.", "`response_format.json_schema.{0}`");
        }
    }
}
