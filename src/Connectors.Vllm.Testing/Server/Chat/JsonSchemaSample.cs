using System.Text.RegularExpressions;

namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>
/// Builds a small valid instance of a JSON schema: every declared property, the first enum value, minimum
/// numbers. For tool calls, string and number values are taken from the user's message where obvious.
/// </summary>
internal static partial class JsonSchemaSample
{
    public static JsonNode? Create(JsonNode? schema, string? hint = null) => Sample(schema, null, hint, 0, new Counter(schema));

    private static JsonNode? Sample(JsonNode? schema, string? propertyName, string? hint, int depth, Counter numbers)
    {
        if (schema is not JsonObject s || depth > 8)
        {
            return depth == 0 ? new JsonObject() : JsonValue.Create("test");
        }

        if (s["$ref"] is JsonValue r && r.GetValueKind() == JsonValueKind.String && r.GetValue<string>().StartsWith("#/", StringComparison.Ordinal))
        {
            JsonNode? target = numbers.Root;
            foreach (var segment in r.GetValue<string>()[2..].Split('/'))
            {
                target = target?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            return Sample(target, propertyName, hint, depth + 1, numbers);
        }

        if (s["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (s["enum"] is JsonArray { Count: > 0 } en)
        {
            return en[0]?.DeepClone();
        }

        foreach (var combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (s[combinator] is JsonArray { Count: > 0 } options)
            {
                var pick = options.FirstOrDefault(o => o?["type"]?.GetValueKind() != JsonValueKind.String || (string?)o["type"] != "null") ?? options[0];
                return Sample(pick, propertyName, hint, depth + 1, numbers);
            }
        }

        return OfType(s, propertyName, hint, depth, numbers);
    }

    /// <summary>A value of the schema's <c>type</c> (after references, constants, enums and combinators).</summary>
    private static JsonNode? OfType(JsonObject s, string? propertyName, string? hint, int depth, Counter numbers)
    {
        var type = TypeOf(s);
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (s["properties"] is JsonObject props)
                {
                    foreach (var (name, propSchema) in props)
                    {
                        obj[name] = Sample(propSchema, name, hint, depth + 1, numbers);
                    }
                }

                return obj;
            case "array":
                var arr = new JsonArray();
                var min = s["minItems"] is JsonValue mi && mi.TryGetValue<int>(out var m) ? m : 0;
                for (var i = 0; i < min; i++)
                {
                    arr.Add(Sample(s["items"], propertyName, hint, depth + 1, numbers));
                }

                return arr;
            case "integer":
            case "number":
                return NumberValue(s, type == "integer", hint, numbers);
            case "boolean":
                return JsonValue.Create(false);
            case "null":
                return null;
            default:
                return JsonValue.Create(StringValue(s, propertyName, hint));
        }
    }

    private static string? TypeOf(JsonObject s)
    {
        switch (s["type"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonArray types:
                return types.Select(t => (string?)t).FirstOrDefault(t => t is not null and not "null") ?? "null";
        }

        return s["properties"] is not null ? "object" : s["items"] is not null ? "array" : "string";
    }

    private static JsonNode NumberValue(JsonObject s, bool integer, string? hint, Counter numbers)
    {
        double? fromHint = null;
        if (hint is not null)
        {
            var found = NumberPattern().Matches(hint);
            if (numbers.Next < found.Count)
            {
                fromHint = double.Parse(found[numbers.Next++].Value, CultureInfo.InvariantCulture);
            }
        }

        var min = s["minimum"] is JsonValue mv && mv.TryGetValue<double>(out var mn) ? mn : (double?)null;
        var exMin = s["exclusiveMinimum"] is JsonValue ev && ev.TryGetValue<double>(out var ex) ? ex : (double?)null;
        var value = fromHint ?? min ?? (exMin is { } e ? (integer ? Math.Floor(e) + 1 : e + 1) : 0);
        if (integer)
        {
            return JsonValue.Create((long)Math.Round(value));
        }

        return value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);
    }

    private static string StringValue(JsonObject s, string? propertyName, string? hint)
    {
        string? value = null;
        if (hint is not null && propertyName is not null)
        {
            var quoted = QuotedPattern().Match(hint);
            var name = propertyName.ToLowerInvariant();
            if (quoted.Success)
            {
                value = quoted.Groups[1].Success ? quoted.Groups[1].Value : quoted.Groups[2].Value;
            }
            else if (name.Contains("location", StringComparison.Ordinal) || name.Contains("city", StringComparison.Ordinal) ||
                     name.Contains("place", StringComparison.Ordinal) || name.Contains("where", StringComparison.Ordinal))
            {
                var place = PlacePattern().Match(hint);
                if (place.Success)
                {
                    value = place.Groups[1].Value.Trim();
                }
            }
        }

        if (value is null && s["format"] is JsonValue f && f.GetValueKind() == JsonValueKind.String)
        {
            value = f.GetValue<string>() switch
            {
                "date" => "2000-01-01",
                "date-time" => "2000-01-01T00:00:00Z",
                "time" => "00:00:00",
                "email" => "test@example.com",
                "uri" or "url" => "https://example.com/",
                "uuid" => "00000000-0000-0000-0000-000000000000",
                _ => null,
            };
        }

        value ??= "test";
        if (s["minLength"] is JsonValue ml && ml.TryGetValue<int>(out var minLength) && value.Length < minLength)
        {
            value = value.PadRight(minLength, 'x');
        }

        if (s["maxLength"] is JsonValue xl && xl.TryGetValue<int>(out var maxLength) && value.Length > maxLength)
        {
            value = value[..maxLength];
        }

        return value;
    }

    [GeneratedRegex(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"([^\"]+)\"|'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPattern();

    [GeneratedRegex(@"\b(?:in|at|for|near)\s+([^?.!;:\n]+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PlacePattern();

    private sealed class Counter
    {
        public Counter(JsonNode? root)
        {
            Root = root;
        }

        /// <summary>The whole schema, for resolving local <c>$ref</c>s.</summary>
        public JsonNode? Root { get; }

        public int Next { get; set; }
    }
}
