using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Connectors.Vllm.Http;

/// <summary>Builds the User-Agent: <c>Connectors.Vllm/&lt;version&gt; (.NET &lt;runtime&gt;; &lt;OS&gt;)</c>.</summary>
internal static class VllmUserAgent
{
    public static string Value { get; } = Build();

    public static string Version { get; } = ReadVersion();

    private static string Build()
        => $"Connectors.Vllm/{Version} ({RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription})"
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
