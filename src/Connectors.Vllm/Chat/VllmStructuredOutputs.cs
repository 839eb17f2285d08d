namespace Connectors.Vllm;

/// <summary>
/// One explicit vLLM structured-output constraint: a JSON schema, a regular expression, a fixed choice of strings,
/// a grammar, any JSON object, or a structural tag. Put it on a request with
/// <see cref="VllmChatOptionsExtensions.WithStructuredOutputs"/>.
/// </summary>
/// <remarks>
/// <para>Sent as <c>structured_outputs</c> to vLLM 0.11.0 and later (and when the server version is unknown), and as the
/// older <c>guided_json</c>/<c>guided_regex</c>/<c>guided_choice</c>/<c>guided_grammar</c> fields to older servers.
/// For a plain JSON schema, <c>ChatOptions.ResponseFormat</c> works on every version and is usually simpler.</para>
/// <para>Instances are immutable.</para>
/// </remarks>
public sealed class VllmStructuredOutputs
{
    private VllmStructuredOutputs(string kind, string? text, IReadOnlyList<string>? choices, JsonElement? schema)
    {
        Kind = kind;
        Text = text;
        Choices = choices;
        Schema = schema;
    }

    /// <summary>Gets the constraint's wire name: <c>json</c>, <c>regex</c>, <c>choice</c>, <c>grammar</c>,
    /// <c>json_object</c> or <c>structural_tag</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the regular expression, grammar or structural tag; <see langword="null"/> for the other kinds.</summary>
    public string? Text { get; }

    /// <summary>Gets the allowed strings of a <c>choice</c> constraint; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>Gets the JSON schema of a <c>json</c> constraint; otherwise <see langword="null"/>.</summary>
    public JsonElement? Schema { get; }

    // The three modifiers below are internal: the constructor is private and the factories take no such argument, so
    // nothing outside this class can set them; a public way to set them is a design decision, not a freeze-by-default.

    /// <summary>Gets a value telling the server to generate JSON without any whitespace (vLLM's <c>disable_any_whitespace</c>).</summary>
    internal bool DisableAnyWhitespace { get; init; }

    /// <summary>Gets a value telling the server not to allow properties the schema does not name (vLLM's <c>disable_additional_properties</c>).</summary>
    internal bool DisableAdditionalProperties { get; init; }

    /// <summary>Gets the whitespace pattern used between JSON tokens (vLLM's <c>whitespace_pattern</c>), or <see langword="null"/>.</summary>
    internal string? WhitespacePattern { get; init; }

    /// <summary>Constrains the output to a JSON schema.</summary>
    /// <param name="schema">The JSON schema (an object).</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a JSON object.</exception>
    public static VllmStructuredOutputs Json(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The JSON schema must be a JSON object.", nameof(schema));
        }

        return new("json", null, null, schema.Clone());
    }

    /// <summary>Constrains the output to any JSON object.</summary>
    /// <returns>The constraint.</returns>
    public static VllmStructuredOutputs JsonObject() => new("json_object", null, null, null);

    /// <summary>Constrains the output to a regular expression.</summary>
    /// <param name="pattern">The regular expression.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is empty.</exception>
    public static VllmStructuredOutputs Regex(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return new("regex", pattern, null, null);
    }

    /// <summary>Constrains the output to exactly one of the given strings.</summary>
    /// <param name="choices">The allowed outputs.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="choices"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="choices"/> is empty or holds a <see langword="null"/>.</exception>
    public static VllmStructuredOutputs Choice(params IEnumerable<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var list = new List<string>(choices);
        if (list.Count == 0 || list.Contains(null!))
        {
            throw new ArgumentException("Give at least one choice and no null entries.", nameof(choices));
        }

        return new("choice", null, list.AsReadOnly(), null);
    }

    /// <summary>Constrains the output to a context-free grammar (EBNF/GBNF, as the server's backend reads it).</summary>
    /// <param name="grammar">The grammar.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="grammar"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="grammar"/> is empty.</exception>
    public static VllmStructuredOutputs Grammar(string grammar)
    {
        ArgumentException.ThrowIfNullOrEmpty(grammar);
        return new("grammar", grammar, null, null);
    }

    /// <summary>Constrains the output with a structural tag (a JSON string in vLLM's structural-tag format).</summary>
    /// <param name="structuralTag">The structural tag as JSON text.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="structuralTag"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="structuralTag"/> is empty.</exception>
    public static VllmStructuredOutputs StructuralTag(string structuralTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(structuralTag);
        return new("structural_tag", structuralTag, null, null);
    }

    /// <summary>Writes the current form: the <c>structured_outputs</c> object's value.</summary>
    internal void WriteStructuredOutputs(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        switch (Kind)
        {
            case "json":
                writer.WritePropertyName("json"u8);
                Schema!.Value.WriteTo(writer);
                break;
            case "json_object":
                writer.WriteBoolean("json_object"u8, true);
                break;
            case "choice":
                writer.WriteStartArray("choice"u8);
                foreach (var choice in Choices!)
                {
                    writer.WriteStringValue(choice);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteString(Kind, Text);
                break;
        }

        if (DisableAnyWhitespace)
        {
            writer.WriteBoolean("disable_any_whitespace"u8, true);
        }

        if (DisableAdditionalProperties)
        {
            writer.WriteBoolean("disable_additional_properties"u8, true);
        }

        if (WhitespacePattern is not null)
        {
            writer.WriteString("whitespace_pattern"u8, WhitespacePattern);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the pre-0.11 form: top-level <c>guided_*</c> fields (inside the request object being written).</summary>
    internal void WriteGuidedFields(Utf8JsonWriter writer, ISet<string> written)
    {
        switch (Kind)
        {
            case "json":
                if (written.Add("guided_json"))
                {
                    writer.WritePropertyName("guided_json"u8);
                    Schema!.Value.WriteTo(writer);
                }

                break;
            case "json_object":
                if (written.Add("response_format"))
                {
                    writer.WritePropertyName("response_format"u8);
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "json_object"u8);
                    writer.WriteEndObject();
                }

                break;
            case "choice":
                if (written.Add("guided_choice"))
                {
                    writer.WriteStartArray("guided_choice"u8);
                    foreach (var choice in Choices!)
                    {
                        writer.WriteStringValue(choice);
                    }

                    writer.WriteEndArray();
                }

                break;
            case "regex":
                if (written.Add("guided_regex"))
                {
                    writer.WriteString("guided_regex"u8, Text);
                }

                break;
            case "grammar":
                if (written.Add("guided_grammar"))
                {
                    writer.WriteString("guided_grammar"u8, Text);
                }

                break;
            case "structural_tag":
                if (written.Add("structural_tag"))
                {
                    writer.WriteString("structural_tag"u8, Text);
                }

                break;
        }

        if (WhitespacePattern is not null && written.Add("guided_whitespace_pattern"))
        {
            writer.WriteString("guided_whitespace_pattern"u8, WhitespacePattern);
        }
    }
}
