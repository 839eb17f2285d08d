namespace Connectors.Vllm;

/// <summary>
/// A model reference written <c>vllm/&lt;model-id&gt;</c>. The model id itself may contain <c>/</c>
/// (<c>vllm/Qwen/Qwen3-8B</c> names the model <c>Qwen/Qwen3-8B</c>).
/// </summary>
/// <param name="Provider">The provider; always <c>"vllm"</c>.</param>
/// <param name="ModelId">The model id as the server knows it.</param>
public readonly record struct VllmModelRef(string Provider, string ModelId)
{
    /// <summary>The provider name used in model refs and in <c>ChatClientMetadata.ProviderName</c>.</summary>
    public const string ProviderName = "vllm";

    /// <summary>Parses <c>vllm/&lt;model-id&gt;</c>.</summary>
    /// <param name="value">The reference.</param>
    /// <returns>The parsed reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not <c>vllm/&lt;model-id&gt;</c>.</exception>
    public static VllmModelRef Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            throw new FormatException($"'{value}' is not a model reference: write it as vllm/<model-id>, for example vllm/Qwen/Qwen3-8B.");
        }

        var provider = value[..slash];
        if (!string.Equals(provider, ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"'{value}' refers to provider '{provider}', not '{ProviderName}'. Write it as vllm/<model-id>.");
        }

        return new VllmModelRef(ProviderName, value[(slash + 1)..]);
    }

    /// <summary>Turns either <c>vllm/&lt;id&gt;</c> or a bare id into the id the server knows.</summary>
    /// <param name="value">A model ref or a plain model id.</param>
    /// <returns>The model id without the <c>vllm/</c> prefix.</returns>
    public static string ToModelId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.StartsWith(ProviderName + "/", StringComparison.OrdinalIgnoreCase) && value.Length > ProviderName.Length + 1
            ? value[(ProviderName.Length + 1)..]
            : value;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Provider}/{ModelId}";
}
