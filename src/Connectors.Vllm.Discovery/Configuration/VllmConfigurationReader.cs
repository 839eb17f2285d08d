using Microsoft.Extensions.Configuration;

namespace Connectors.Vllm.Configuration;

/// <summary>
/// Reads typed values from configuration by hand (no reflection binder, so it stays AOT- and trim-clean),
/// collecting every unreadable value as a problem that names its full key instead of stopping at the first.
/// </summary>
internal sealed class VllmConfigurationReader
{
    private readonly List<string> _problems;

    public VllmConfigurationReader(List<string> problems) => _problems = problems;

    /// <summary>The value at <paramref name="key"/>, or <see langword="null"/> when it is missing or empty (JSON <c>null</c>).</summary>
    public static string? Text(IConfiguration section, string key)
    {
        var value = section[key];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public bool? ReadBool(IConfiguration section, string key)
        => Read(section, key, "true or false", static (string text, out bool value) => bool.TryParse(text.Trim(), out value));

    public int? ReadInt(IConfiguration section, string key)
        => Read(section, key, "a whole number", static (string text, out int value) => int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    public long? ReadLong(IConfiguration section, string key)
        => Read(section, key, "a whole number", static (string text, out long value) => long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    public decimal? ReadDecimal(IConfiguration section, string key)
        => Read(section, key, "a number", static (string text, out decimal value) => decimal.TryParse(text.Trim(), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value));

    public TimeSpan? ReadTimeSpan(IConfiguration section, string key)
        => Read(section, key, "a time span such as 00:00:30", static (string text, out TimeSpan value) => TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out value));

    /// <summary>An enum value by its name (any case); numbers are refused, so that a typo never selects a member by position.</summary>
    public T? ReadEnum<T>(IConfiguration section, string key)
        where T : struct, Enum
        => Read(section, key, "one of " + string.Join(", ", Enum.GetNames<T>()), static (string text, out T value)
            => Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text.Trim()[0]) && text.Trim()[0] != '-');

    public Uri? ReadUri(IConfiguration section, string key)
    {
        var text = Text(section, key);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            return uri;
        }

        _problems.Add($"{PathOf(section, key)}: '{text}' is not an absolute URL such as http://127.0.0.1:8000/v1.");
        return null;
    }

    /// <summary>A list given as an array (<c>["text","image"]</c>) or as one value (<c>"text"</c>).</summary>
    public static List<string>? List(IConfiguration section, string key)
    {
        var child = section.GetSection(key);
        var items = new List<string>();
        foreach (var item in child.GetChildren())
        {
            if (!string.IsNullOrEmpty(item.Value))
            {
                items.Add(item.Value);
            }
        }

        if (items.Count == 0 && !string.IsNullOrEmpty(child.Value))
        {
            items.Add(child.Value);
        }

        return items.Count == 0 && !child.Exists() ? null : items;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private T? Read<T>(IConfiguration section, string key, string expected, TryParse<T> parse)
        where T : struct
    {
        var text = Text(section, key);
        if (text is null)
        {
            return null;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        _problems.Add($"{PathOf(section, key)}: '{text}' is not {expected}.");
        return null;
    }

    /// <summary>The full key of <paramref name="key"/> under <paramref name="section"/>, for messages (<c>Vllm:Models:0:ContextWindow</c>).</summary>
    public static string PathOf(IConfiguration section, string key)
        => section is IConfigurationSection s && s.Path.Length > 0 ? ConfigurationPath.Combine(s.Path, key) : key;
}
