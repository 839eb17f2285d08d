using Connectors.Vllm.Catalog;

namespace Connectors.Vllm;

/// <summary>
/// What a server says about itself (<c>GET /version</c> at the server root), so that components can choose
/// version-dependent request shapes.
/// </summary>
/// <remarks>Servers without <c>/version</c> (other OpenAI-compatible servers, or a proxy that hides it) give
/// <see cref="VersionText"/> and <see cref="Version"/> <see langword="null"/>.</remarks>
public sealed class VllmServerInfo
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="baseUrl">The base URL the information was read from.</param>
    /// <param name="versionText">The version string the server reported, or <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseUrl"/> is <see langword="null"/>.</exception>
    internal VllmServerInfo(Uri baseUrl, string? versionText)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = baseUrl;
        VersionText = string.IsNullOrWhiteSpace(versionText) ? null : versionText.Trim();
        Version = ParseVersion(VersionText);
    }

    /// <summary>Gets the base URL the information was read from.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the version string exactly as the server reported it (for example <c>0.27.1</c> or
    /// <c>0.27.2.dev5+g1a2b3c4d</c>), or <see langword="null"/> when the server has no <c>/version</c>.</summary>
    public string? VersionText { get; }

    /// <summary>Gets the numeric part of <see cref="VersionText"/> (<c>0.27.2.dev5+g…</c> → 0.27.2, <c>0.11.1rc2</c> → 0.11.1),
    /// or <see langword="null"/> when unknown or not numeric.</summary>
    public Version? Version { get; }

    /// <summary>Whether the server's version is known and at least <c>major.minor.patch</c>.</summary>
    /// <param name="major">The major version.</param>
    /// <param name="minor">The minor version.</param>
    /// <param name="patch">The patch version.</param>
    /// <returns><see langword="true"/> when <see cref="Version"/> is known and not lower; <see langword="false"/> when it is lower
    /// <em>or unknown</em> (check <see cref="Version"/> for <see langword="null"/> to tell these apart).</returns>
    public bool IsAtLeast(int major, int minor, int patch = 0)
        => Version is { } v && Normalize(v) >= new Version(major, minor, patch);

    /// <inheritdoc />
    public override string ToString() => $"vLLM {VersionText ?? "(version unknown)"} at {BaseUrl}";

    /// <summary>Reads a <c>/version</c> body (<c>{"version":"0.27.2.dev5+g…"}</c>): the one parser of it. A body that is not
    /// that shape gives an unknown version.</summary>
    internal static VllmServerInfo FromVersionBody(Uri baseUrl, ReadOnlySpan<byte> body)
    {
        string? text;
        try
        {
            text = JsonSerializer.Deserialize(body, VllmDiscoveryJsonContext.Default.VllmVersionResponse)?.Version;
        }
        catch (JsonException)
        {
            text = null;
        }

        return new VllmServerInfo(baseUrl, text);
    }

    /// <summary>Reads the leading dotted numbers of a version string; <see langword="null"/> when there are fewer than two.</summary>
    internal static Version? ParseVersion(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var span = text.AsSpan();
        if (span[0] is 'v' or 'V')
        {
            span = span[1..];
        }

        var parts = new int[4];
        var count = 0;
        var i = 0;
        while (count < 4 && i < span.Length && char.IsAsciiDigit(span[i]))
        {
            var start = i;
            while (i < span.Length && char.IsAsciiDigit(span[i]))
            {
                i++;
            }

            if (!int.TryParse(span[start..i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[count]))
            {
                return null;
            }

            count++;
            if (i < span.Length && span[i] == '.')
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return count switch
        {
            < 2 => null,
            2 => new Version(parts[0], parts[1]),
            3 => new Version(parts[0], parts[1], parts[2]),
            _ => new Version(parts[0], parts[1], parts[2], parts[3]),
        };
    }

    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0));
}
