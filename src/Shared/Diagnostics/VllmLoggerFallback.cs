namespace Connectors.Vllm.Diagnostics;

/// <summary>Gives options built without a <see cref="VllmProviderOptions.LoggerFactory"/> the container's one, for the
/// DI registrations of both packages.</summary>
internal static class VllmLoggerFallback
{
    /// <summary>The options as given when they name a factory (or there is none to add), else a copy with
    /// <paramref name="loggerFactory"/>: the caller's instance is never changed.</summary>
    public static VllmProviderOptions WithLoggerFactory(VllmProviderOptions options, ILoggerFactory? loggerFactory)
    {
        if (options.LoggerFactory is not null || loggerFactory is null)
        {
            return options;
        }

        var copy = options.Clone();
        copy.LoggerFactory = loggerFactory;
        return copy;
    }
}
