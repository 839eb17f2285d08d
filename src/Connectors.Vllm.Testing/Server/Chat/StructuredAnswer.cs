namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The scripted answer under a structured-output constraint (response_format, structured_outputs, guided_*).</summary>
internal static class StructuredAnswer
{
    /// <summary>Gets the answer the constraint asks for, or null when the request has none.</summary>
    public static string? For(JsonObject body, EmulatedVersion version)
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
        if (so is null && version.AcceptsGuided)
        {
            so = FromGuided(body);
        }

        return so is null ? null : ForConstraint(so);
    }

    private static JsonObject FromGuided(JsonObject body)
    {
        var so = new JsonObject();
        foreach (var (k, target) in new[] { ("guided_json", "json"), ("guided_regex", "regex"), ("guided_choice", "choice"), ("guided_grammar", "grammar") })
        {
            if (body[k] is { } v)
            {
                so[target] = v.DeepClone();
            }
        }

        return so;
    }

    private static string? ForConstraint(JsonObject so)
    {
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
}
