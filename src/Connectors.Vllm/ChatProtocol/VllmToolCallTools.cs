namespace Connectors.Vllm.ChatProtocol;

/// <summary>The request's tools as markup recovery needs them: their names (a Llama call must name one) and their
/// parameters' JSON-schema types (Qwen3-Coder writes every value as text; the schema says what it was).</summary>
internal sealed class VllmToolCallTools
{
    private readonly Dictionary<string, AIFunctionDeclaration> _functions = new(StringComparer.Ordinal);

    public VllmToolCallTools(IEnumerable<AITool> tools)
    {
        foreach (var tool in tools)
        {
            if (tool is AIFunctionDeclaration function)
            {
                _functions[function.Name] = function;
            }
        }
    }

    /// <summary>Whether the request offered a function named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _functions.ContainsKey(name);

    /// <summary>The declared type of <paramref name="parameter"/> of <paramref name="function"/> (the first non-null one of
    /// a <c>type</c> array or <c>anyOf</c>), or a type without a name when the schema does not say.</summary>
    public VllmParameterType ParameterType(string function, string parameter)
    {
        if (!_functions.TryGetValue(function, out var declaration)
            || declaration.JsonSchema.ValueKind != JsonValueKind.Object
            || !declaration.JsonSchema.TryGetProperty("properties", out var properties)
            || properties.ValueKind != JsonValueKind.Object
            || !properties.TryGetProperty(parameter, out var schema)
            || schema.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            return Of(type);
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            string? name = null;
            var nullable = false;
            foreach (var option in anyOf.EnumerateArray())
            {
                if (option.ValueKind == JsonValueKind.Object && option.TryGetProperty("type", out var optionType))
                {
                    var found = Of(optionType);
                    nullable |= found.Nullable;
                    name ??= found.Name;
                }
            }

            return new VllmParameterType(name ?? "string", nullable);
        }

        return new VllmParameterType("string", false);
    }

    private static VllmParameterType Of(JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            var name = type.GetString()!.Trim().ToLowerInvariant();
            return name == "null" ? new VllmParameterType(null, true) : new VllmParameterType(name, false);
        }

        if (type.ValueKind != JsonValueKind.Array)
        {
            return new VllmParameterType("string", false);
        }

        string? first = null;
        var nullable = false;
        foreach (var item in type.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var name = item.GetString()!.Trim().ToLowerInvariant();
            if (name == "null")
            {
                nullable = true;
            }
            else
            {
                first ??= name;
            }
        }

        return new VllmParameterType(first, nullable);
    }
}
