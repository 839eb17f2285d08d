using System.Buffers;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm.Embeddings;

/// <summary>
/// One call's request shape, validated once and written per batch: model, encoding, dimensions, element type and
/// the vLLM extras from <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> (typed, under wire names).
/// <c>normalize</c> is never sent: vLLM answers 400 to it; it becomes <c>use_activation</c>, which means the same.
/// </summary>
internal sealed class EmbeddingRequestPlan
{
    /// <summary>The <c>encoding_format</c> names this client reads (bytes_only is left out: it carries no usage or shapes).</summary>
    private static readonly (string Name, VllmEmbeddingEncoding Value)[] EncodingNames =
        [("base64", VllmEmbeddingEncoding.Base64), ("bytes", VllmEmbeddingEncoding.Bytes), ("float", VllmEmbeddingEncoding.Float)];

    /// <summary>The <c>embed_dtype</c> names this client decodes into float vectors.</summary>
    private static readonly (string Name, VllmEmbedDType Value)[] DTypeNames =
        [("float32", VllmEmbedDType.Float32), ("float16", VllmEmbedDType.Float16), ("bfloat16", VllmEmbedDType.BFloat16)];

    /// <summary>The <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> keys <see cref="Create"/> reads; others are not sent.</summary>
    internal static readonly string[] FieldNames =
    [
        VllmEmbeddingPropertyNames.EncodingFormat,
        VllmEmbeddingPropertyNames.EmbedDType,
        VllmEmbeddingPropertyNames.UseActivation,
        VllmEmbeddingPropertyNames.Normalize,
        VllmChatOptionsExtensions.TruncatePromptTokens,
        VllmChatOptionsExtensions.Priority,
        VllmChatOptionsExtensions.AddSpecialTokens,
        VllmChatOptionsExtensions.TruncationSide,
        VllmChatOptionsExtensions.CacheSalt,
        VllmChatOptionsExtensions.RequestId,
        VllmChatOptionsExtensions.MmProcessorKwargs,
    ];

    private readonly List<KeyValuePair<string, object>> _extras = [];

    private EmbeddingRequestPlan(string? model, int? dimensions, VllmEmbeddingEncoding encoding, VllmEmbedDType? dtype)
    {
        Model = model;
        Dimensions = dimensions;
        Encoding = encoding;
        DType = dtype;
    }

    public string? Model { get; }

    public int? Dimensions { get; }

    public VllmEmbeddingEncoding Encoding { get; set; }

    /// <summary>The element type asked for; <see langword="null"/> sends nothing (vLLM's default float32).</summary>
    public VllmEmbedDType? DType { get; }

    /// <summary>Validates one call's options: its typed properties, the vLLM extras of
    /// <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>, and the fields of the OpenAI SDK options that
    /// <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/> returns (as MEAI's OpenAI generator honours them: they
    /// win over the same field given elsewhere; a field this library does not know, e.g. set with the SDK options'
    /// <c>Patch</c>, is sent as it is; the fields vLLM must never get are left out).</summary>
    /// <param name="options">The call's options.</param>
    /// <param name="defaultModel">The generator's default model.</param>
    /// <param name="settings">The generator's settings.</param>
    /// <param name="generator">The generator, passed to <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/>.</param>
    public static EmbeddingRequestPlan Create(EmbeddingGenerationOptions? options, string? defaultModel, VllmEmbeddingGeneratorOptions settings, IEmbeddingGenerator generator)
    {
        var model = options?.ModelId is { Length: > 0 } id ? VllmModelRef.ToModelId(id) : defaultModel;
        var raw = RawFields(options, generator);
        var dimensions = raw is not null && raw.Remove("dimensions", out var rawDimensions)
            ? AsInt(rawDimensions, "dimensions")
            : options?.Dimensions ?? settings.Dimensions;
        if (dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, "Dimensions must be positive.");
        }

        var encoding = settings.Encoding;
        var dtype = settings.EmbedDType;
        bool? useActivation = null;
        bool? normalize = null;
        var extras = new List<KeyValuePair<string, object>>();
        if (options?.AdditionalProperties is { Count: > 0 } properties)
        {
            foreach (var (key, value) in properties)
            {
                if (value is not null && raw?.ContainsKey(key) != true)
                {
                    Apply(key, value);
                }
            }
        }

        foreach (var (key, value) in raw ?? [])
        {
            if (Array.IndexOf(FieldNames, key) >= 0)
            {
                Apply(key, value);
            }
            else
            {
                extras.Add(new(key, value));
            }
        }

        void Apply(string key, object value)
        {
            switch (key)
            {
                case VllmEmbeddingPropertyNames.EncodingFormat:
                    encoding = ParseEncoding(value);
                    break;
                case VllmEmbeddingPropertyNames.EmbedDType:
                    dtype = ParseDType(value);
                    break;
                case VllmEmbeddingPropertyNames.UseActivation:
                    useActivation = VllmRequestJson.AsBoolean(value, key);
                    break;
                case VllmEmbeddingPropertyNames.Normalize:
                    normalize = VllmRequestJson.AsBoolean(value, key);
                    break;
                case VllmChatOptionsExtensions.TruncatePromptTokens:
                    var truncate = AsInt(value, key);
                    if (truncate < -1)
                    {
                        throw new ArgumentException($"'{key}' must be -1 (the model's maximum) or a positive token count; got {truncate}.", nameof(options));
                    }

                    extras.Add(new(key, truncate));
                    break;
                case VllmChatOptionsExtensions.Priority:
                    extras.Add(new(key, AsInt(value, key)));
                    break;
                case VllmChatOptionsExtensions.AddSpecialTokens:
                    extras.Add(new(key, VllmRequestJson.AsBoolean(value, key)!.Value));
                    break;
                case VllmChatOptionsExtensions.TruncationSide:
                    var side = AsString(value, key);
                    if (side is not ("left" or "right"))
                    {
                        throw new ArgumentException($"'{key}' must be \"left\" or \"right\"; got \"{side}\".", nameof(options));
                    }

                    extras.Add(new(key, side));
                    break;
                case VllmChatOptionsExtensions.CacheSalt:
                case VllmChatOptionsExtensions.RequestId:
                    extras.Add(new(key, AsString(value, key)));
                    break;
                case VllmChatOptionsExtensions.MmProcessorKwargs:
                    extras.Add(new(key, value));
                    break;
            }
        }

        if (normalize is { } n)
        {
            if (useActivation is { } u && u != n)
            {
                throw new ArgumentException(
                    $"'normalize' ({n}) contradicts 'use_activation' ({u}). vLLM replaced normalize with use_activation; set only use_activation.",
                    nameof(options));
            }

            useActivation = n;
        }

        if (useActivation is { } activation)
        {
            extras.Add(new(VllmEmbeddingPropertyNames.UseActivation, activation));
        }

        return new EmbeddingRequestPlan(model, dimensions, encoding, dtype).WithExtras(extras);
    }

    /// <summary>The top-level fields of the OpenAI SDK options the caller's <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/>
    /// returns, minus <c>input</c> and <c>model</c> (the call's own) and the fields vLLM must never get; <see langword="null"/>
    /// when there are none.</summary>
    private static Dictionary<string, object>? RawFields(EmbeddingGenerationOptions? options, IEmbeddingGenerator generator)
    {
        if (options?.RawRepresentationFactory?.Invoke(generator) is not OpenAI.Embeddings.EmbeddingGenerationOptions raw)
        {
            return null;
        }

        using var document = JsonDocument.Parse(RawJson(raw));
        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name is not ("input" or "model") && property.Value.ValueKind != JsonValueKind.Null
                && !Pipeline.VllmRequestBodyRewriter.IsNeverSent(property.Name))
            {
                fields[property.Name] = property.Value.Clone();
            }
        }

        return fields;
    }

    /// <summary>The caller's fields of the SDK options as one JSON object: its public properties and its JSON patch. (The
    /// SDK's own serializer cannot be used: it writes <c>input</c> and <c>model</c>, which only its client sets.)</summary>
#pragma warning disable SCME0001 // JsonPatch: the SDK's documented (experimental) way to carry fields its model lacks.
    private static ReadOnlyMemory<byte> RawJson(OpenAI.Embeddings.EmbeddingGenerationOptions raw)
    {
        if (raw.Patch.Contains("$"u8))
        {
            return raw.Patch.GetJson("$"u8);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (raw.Dimensions is { } dimensions && !raw.Patch.Contains("$.dimensions"u8))
            {
                writer.WriteNumber("dimensions"u8, dimensions);
            }

            if (raw.EndUserId is { } user && !raw.Patch.Contains("$.user"u8))
            {
                writer.WriteString("user"u8, user);
            }

            raw.Patch.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
#pragma warning restore SCME0001

    /// <summary>Writes the body for <paramref name="inputs"/>.</summary>
    public byte[] Write(ReadOnlySpan<string> inputs)
    {
        var estimate = 128;
        foreach (var input in inputs)
        {
            estimate += input.Length + 8;
        }

        var buffer = new ArrayBufferWriter<byte>(estimate);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (!string.IsNullOrEmpty(Model))
            {
                writer.WriteString("model", Model);
            }

            writer.WriteStartArray("input");
            foreach (var input in inputs)
            {
                writer.WriteStringValue(input);
            }

            writer.WriteEndArray();
            writer.WriteString("encoding_format", NameOf(EncodingNames, Encoding, "base64"));
            if (Dimensions is { } dimensions)
            {
                writer.WriteNumber("dimensions", dimensions);
            }

            if (DType is { } dtype && Encoding != VllmEmbeddingEncoding.Float)
            {
                writer.WriteString("embed_dtype", DTypeName(dtype));
            }

            foreach (var (key, value) in _extras)
            {
                writer.WritePropertyName(key);
                VllmRequestJson.Write(writer, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string DTypeName(VllmEmbedDType dtype) => NameOf(DTypeNames, dtype, "float32");

    private EmbeddingRequestPlan WithExtras(List<KeyValuePair<string, object>> extras)
    {
        _extras.AddRange(extras);
        return this;
    }

    private static VllmEmbeddingEncoding ParseEncoding(object value) => ParseNamed(value, VllmEmbeddingPropertyNames.EncodingFormat, EncodingNames,
        "is not supported here; use \"base64\", \"bytes\" or \"float\" (bytes_only carries no usage or shapes).");

    private static VllmEmbedDType ParseDType(object value) => ParseNamed(value, VllmEmbeddingPropertyNames.EmbedDType, DTypeNames,
        "cannot be decoded into float vectors here; use \"float32\", \"float16\" or \"bfloat16\".");

    /// <summary>The wire name of <paramref name="value"/> in <paramref name="names"/>, or <paramref name="fallback"/>.</summary>
    private static string NameOf<T>((string Name, T Value)[] names, T value, string fallback)
        where T : struct, Enum
    {
        foreach (var (name, v) in names)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return name;
            }
        }

        return fallback;
    }

    /// <summary>An option given as the enum itself or as its wire name; any other name fails with "<paramref name="key"/>
    /// "name" <paramref name="unsupported"/>".</summary>
    private static T ParseNamed<T>(object value, string key, (string Name, T Value)[] names, string unsupported)
        where T : struct, Enum
    {
        if (value is T typed)
        {
            return typed;
        }

        var wire = AsString(value, key);
        foreach (var (name, v) in names)
        {
            if (name == wire)
            {
                return v;
            }
        }

        throw new ArgumentException($"{key} \"{wire}\" {unsupported}", "options");
    }

    private static int AsInt(object value, string name) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        short s => s,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => throw new ArgumentException($"'{name}' must be an integer; got {value}.", "options"),
    };

    private static string AsString(object value, string name) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        Enum e => e.ToString(),
        _ => throw new ArgumentException($"'{name}' must be a string; got {value}.", "options"),
    };
}
