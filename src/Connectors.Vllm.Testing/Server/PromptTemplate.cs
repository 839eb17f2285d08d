namespace Connectors.Vllm.Testing.Server;

/// <summary>The test server's chat "template": ChatML-like, tools in a system block (so prompt tokens = /tokenize).</summary>
internal static class PromptTemplate
{
    public const string Bos = "<|begin_of_text|>";

    public static string Render(JsonArray messages, JsonArray? tools, bool addGenerationPrompt)
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

    /// <summary>A message's text: the string, or its text parts joined with a marker for every other part.</summary>
    public static string MessageText(JsonNode? content)
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
}
