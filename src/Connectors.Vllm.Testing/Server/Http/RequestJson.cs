namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>The JSON body of a POST route, checked the way FastAPI and pydantic check it.</summary>
internal static class RequestJson
{
    /// <summary>Checks the Content-Type (vLLM answers 400, not 415) and parses the body as one JSON object.</summary>
    public static JsonObject Parse(RequestState request)
    {
        var media = request.Context.Request.ContentType?.Split(';', 2)[0].Trim();
        if (!string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new VllmProblem(400, "Bad Request", "1 validation error:\n  Unsupported Media Type: Only 'application/json' is allowed", null);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            throw new VllmProblem(400, "Bad Request",
                "1 validation error:\n  {'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': 'Expecting value'}}",
                "body.0");
        }

        if (node is JsonObject obj)
        {
            return obj;
        }

        throw VllmProblem.Validation("model_attributes_type", new[] { "body" },
            "Input should be a valid dictionary or object to extract fields from", PyText.Repr(node));
    }

    public static bool? Bool(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static string? String(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Int(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : null;

    public static double? Number(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
