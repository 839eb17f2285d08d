using System.Reflection;
using System.Runtime.InteropServices;

namespace Connectors.Vllm.Http;

/// <summary>Builds the User-Agent: <c>Connectors.Vllm/&lt;version&gt; (.NET &lt;runtime&gt;; &lt;OS&gt;)</c>.</summary>
internal static class VllmUserAgent
{
    // Static initialisers run in the order written: Version must come before Value, which uses it.
    public static string Version { get; } = ReadVersion();

    public static string Value { get; } = Build(Version);

    private static string Build(string version)
        => $"Connectors.Vllm/{version} ({RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription})"
            .Replace('\r', ' ').Replace('\n', ' ');

    private static string ReadVersion()
    {
        var assembly = typeof(VllmUserAgent).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
