namespace Connectors.Vllm.Testing.Server.Validation;

/// <summary>pydantic's (lax) type checks of the top-level request fields, with its error types and messages.</summary>
internal static class FieldTypes
{
    /// <summary>Checks the fields the emulated version declares; one it does not know is an extra field, never type-checked.</summary>
    public static void Check(JsonObject body, EmulatedVersion version) => Check(body, version, ChatFields.Kinds);

    /// <summary>Checks the fields of <paramref name="kinds"/> (another route's types, such as /v1/completions' integer <c>logprobs</c>).</summary>
    public static void Check(JsonObject body, EmulatedVersion version, IReadOnlyDictionary<string, FieldKind> kinds)
    {
        foreach (var (name, value) in body)
        {
            if (value is null || value.GetValueKind() == JsonValueKind.Null || !kinds.TryGetValue(name, out var kind) || !version.Declares(name))
            {
                continue;
            }

            var loc = new[] { "body", name };
            var error = kind switch
            {
                FieldKind.Float => FloatError(value),
                FieldKind.Int => IntError(value),
                FieldKind.Bool => BoolError(value),
                FieldKind.String => value.GetValueKind() != JsonValueKind.String ? ("string_type", "Input should be a valid string") : null,
                FieldKind.List => value.GetValueKind() != JsonValueKind.Array ? ("list_type", "Input should be a valid list") : null,
                FieldKind.Dict => value.GetValueKind() != JsonValueKind.Object ? ("dict_type", "Input should be a valid dictionary") : null,
                _ => ((string Type, string Message)?)null,
            };
            if (error is { } e)
            {
                throw VllmProblem.Validation(e.Type, loc, e.Message, PyText.Repr(value));
            }
        }
    }

    private static (string Type, string Message)? FloatError(JsonNode value)
    {
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String && !double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return ("float_parsing", "Input should be a valid number, unable to parse string as a number");
        }

        return kind is JsonValueKind.Object or JsonValueKind.Array ? ("float_type", "Input should be a valid number") : null;
    }

    private static (string Type, string Message)? IntError(JsonNode value)
    {
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String && !long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return ("int_parsing", "Input should be a valid integer, unable to parse string as an integer");
        }

        if (kind == JsonValueKind.Number && value.GetValue<double>() is var d && d != Math.Floor(d))
        {
            return ("int_from_float", "Input should be a valid integer, got a number with a fractional part");
        }

        return kind is JsonValueKind.Object or JsonValueKind.Array ? ("int_type", "Input should be a valid integer") : null;
    }

    private static (string Type, string Message)? BoolError(JsonNode value)
    {
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String && value.GetValue<string>().ToLowerInvariant() is not ("true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0" or "t" or "f" or "y" or "n"))
        {
            return ("bool_parsing", "Input should be a valid boolean, unable to interpret input");
        }

        if (kind == JsonValueKind.Number && value.GetValue<double>() is not (0 or 1))
        {
            return ("bool_parsing", "Input should be a valid boolean, unable to interpret input");
        }

        return kind is JsonValueKind.Object or JsonValueKind.Array ? ("bool_type", "Input should be a valid boolean") : null;
    }
}
