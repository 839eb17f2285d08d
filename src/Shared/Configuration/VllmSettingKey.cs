namespace Connectors.Vllm.Configuration;

/// <summary>
/// The configuration key an error hint names for a setting: under the section the options were bound from
/// (<c>Aspire:Vllm:chat:FirstByteTimeout</c>), else under the documented default section (<c>Vllm:FirstByteTimeout</c>).
/// </summary>
internal static class VllmSettingKey
{
    /// <summary>The prefix of options not bound from configuration: the section the documentation uses.</summary>
    public const string DefaultPrefix = "Vllm:";

    /// <summary>The prefix of <paramref name="options"/>' keys, ending in <c>:</c>.</summary>
    public static string Prefix(VllmProviderOptions? options)
    {
        // GetSettingKey("") is "<section>:" for options bound from a section, and "" for options made in code.
        var bound = options?.GetSettingKey(string.Empty);
        return string.IsNullOrEmpty(bound) ? DefaultPrefix : bound;
    }

    /// <summary>The full key of setting <paramref name="name"/> (<c>FirstByteTimeout</c>, <c>Retry:MaxAttempts</c>).</summary>
    public static string For(VllmProviderOptions? options, string name) => Prefix(options) + name;
}
