using System.Text;

namespace Connectors.Vllm.Configuration;

/// <summary><c>${NAME}</c> expansion for the API key and header values; nothing else is expanded.</summary>
internal static class VllmEnvironment
{
    /// <summary>Replaces every <c>${NAME}</c> with the environment variable's value.</summary>
    /// <param name="value">The configured text, or <see langword="null"/>.</param>
    /// <param name="setting">The setting's full configuration key (<c>Vllm:ApiKey</c>), for the error message.</param>
    /// <param name="lookup">Reads a variable; the process environment when <see langword="null"/>.</param>
    /// <exception cref="VllmException">A referenced variable is not set, or a <c>${</c> is not closed.</exception>
    public static string? Expand(string? value, string setting, Func<string, string?>? lookup = null)
    {
        if (value is null || !value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        lookup ??= Environment.GetEnvironmentVariable;
        var builder = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var start = value.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                builder.Append(value, i, value.Length - i);
                break;
            }

            builder.Append(value, i, start - i);
            var end = value.IndexOf('}', start + 2);
            if (end < 0)
            {
                throw new VllmException($"Configuration error in {setting}: '${{' is not closed by '}}'.");
            }

            var name = value.Substring(start + 2, end - start - 2);
            if (name.Length == 0)
            {
                throw new VllmException($"Configuration error in {setting}: '${{}}' names no environment variable.");
            }

            var resolved = lookup(name);
            if (string.IsNullOrEmpty(resolved))
            {
                throw new VllmException($"Configuration error in {setting}: the environment variable {name} is not set. Set it, or put the value in the configuration directly.");
            }

            builder.Append(resolved);
            i = end + 1;
        }

        return builder.ToString();
    }
}
