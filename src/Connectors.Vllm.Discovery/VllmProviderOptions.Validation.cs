namespace Connectors.Vllm;

public sealed partial class VllmProviderOptions
{
    /// <summary>
    /// Checks the options and throws one <see cref="VllmException"/> listing every problem: a base URL that is
    /// not an absolute http(s) URL (or carries credentials), an unsupported <see cref="Api"/>, missing or duplicate
    /// model ids, non-positive context windows or output limits, <c>MaxTokens</c> above <c>ContextWindow</c>,
    /// negative costs, header problems, and non-positive timeouts, limits or retry settings.
    /// </summary>
    /// <remarks>Every Connectors.Vllm component validates its options when it is built, so calling this yourself
    /// is only needed to fail early (for example at startup). A <see cref="VllmException"/> (rather than an
    /// <see cref="ArgumentException"/>) is thrown so that every configuration and server problem is caught the same way.</remarks>
    /// <exception cref="VllmException">The options are invalid; the message lists every problem, one per line.</exception>
    public void Validate()
    {
        var problems = GetProblems();
        if (problems.Count > 0)
        {
            throw ConfigurationException(problems);
        }
    }

    /// <summary>Every problem with these options, each a sentence naming the setting; empty when valid.</summary>
    internal List<string> GetProblems()
    {
        var problems = new List<string>();
        ValidateBaseUrl(problems);

        if (!string.Equals(Api, OpenAICompletionsApi, StringComparison.Ordinal))
        {
            problems.Add($"{GetSettingKey("Api")}: '{Api}' is not supported; the only supported value is '{OpenAICompletionsApi}'.");
        }

        ValidateHeaders(problems);
        ValidateSessionHeaders(problems);
        ValidateModels(problems);

        Positive(problems, GetSettingKey(nameof(ConnectTimeout)), ConnectTimeout, allowInfinite: true);
        Positive(problems, GetSettingKey(nameof(FirstByteTimeout)), FirstByteTimeout, allowInfinite: true);
        Positive(problems, GetSettingKey(nameof(StreamIdleTimeout)), StreamIdleTimeout, allowInfinite: true);
        if (DiscoveryCacheTtl < TimeSpan.Zero)
        {
            problems.Add($"{GetSettingKey(nameof(DiscoveryCacheTtl))}: {DiscoveryCacheTtl} is negative; use 00:00:00 to turn the cache off.");
        }

        Positive(problems, GetSettingKey(nameof(MaxSseLineBytes)), MaxSseLineBytes);
        Positive(problems, GetSettingKey(nameof(MaxResponseBytes)), MaxResponseBytes);
        Positive(problems, GetSettingKey(nameof(MaxModelsBodyBytes)), MaxModelsBodyBytes);
        Positive(problems, GetSettingKey(nameof(MaxInlineMediaBytes)), MaxInlineMediaBytes);

        if (!Enum.IsDefined(ToolCallRecovery))
        {
            problems.Add($"{GetSettingKey(nameof(ToolCallRecovery))}: {(int)ToolCallRecovery} is not one of Off, Warn, Recover.");
        }

        if (Retry is null)
        {
            problems.Add($"{GetSettingKey("Retry")}: must not be null; set Retry.MaxAttempts = 1 to turn retries off.");
        }
        else
        {
            if (Retry.MaxAttempts < 1)
            {
                problems.Add($"{GetSettingKey("Retry:MaxAttempts")}: {Retry.MaxAttempts.ToString(CultureInfo.InvariantCulture)} must be at least 1 (1 turns retries off).");
            }

            if (Retry.BaseDelay < TimeSpan.Zero)
            {
                problems.Add($"{GetSettingKey("Retry:BaseDelay")}: {Retry.BaseDelay} must not be negative.");
            }

            if (Retry.MaxDelay < Retry.BaseDelay)
            {
                problems.Add($"{GetSettingKey("Retry:MaxDelay")}: {Retry.MaxDelay} must not be less than {GetSettingKey("Retry:BaseDelay")} ({Retry.BaseDelay}).");
            }

            Positive(problems, GetSettingKey("Retry:MaxTotalTime"), Retry.MaxTotalTime, allowInfinite: true);
        }

        return problems;
    }

    /// <summary>Gets the full configuration key of a setting, as every error message of this library names it: under the
    /// section these options were read from (<c>Vllm:Models:0:MaxTokens</c>), or the bare property path when the options
    /// were built in code (<c>Models:0:MaxTokens</c>).</summary>
    /// <param name="key">The setting's path below the options (<c>ApiKey</c>, <c>Headers:X-Team</c>, <c>Retry:MaxAttempts</c>).</param>
    /// <returns>The key to name in a message or to set in configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public string GetSettingKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.IsNullOrEmpty(ConfigurationPath) ? key : Microsoft.Extensions.Configuration.ConfigurationPath.Combine(ConfigurationPath, key);
    }

    internal static VllmException ConfigurationException(IReadOnlyList<string> problems)
        => new($"The Vllm configuration is invalid ({problems.Count.ToString(CultureInfo.InvariantCulture)} problem{(problems.Count == 1 ? string.Empty : "s")}):{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", problems)}");

    private void ValidateBaseUrl(List<string> problems)
    {
        if (BaseUrl is null)
        {
            problems.Add($"{GetSettingKey(nameof(BaseUrl))}: must be set, for example http://127.0.0.1:8000/v1.");
            return;
        }

        if (!BaseUrl.IsAbsoluteUri)
        {
            problems.Add($"{GetSettingKey(nameof(BaseUrl))}: '{BaseUrl}' is not an absolute URL; write it like http://127.0.0.1:8000/v1.");
            return;
        }

        if (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{GetSettingKey(nameof(BaseUrl))}: the scheme '{BaseUrl.Scheme}' is not supported; use http or https.");
        }

        if (BaseUrl.UserInfo.Length > 0)
        {
            problems.Add($"{GetSettingKey(nameof(BaseUrl))}: must not contain a user name or password; put the key in {GetSettingKey(nameof(ApiKey))}.");
        }

        if (BaseUrl.Query.Length > 0 || BaseUrl.Fragment.Length > 0)
        {
            problems.Add($"{GetSettingKey(nameof(BaseUrl))}: must not contain a query or fragment.");
        }
    }

    private void ValidateHeaders(List<string> problems)
    {
        if (Headers is null)
        {
            problems.Add($"{GetSettingKey(nameof(Headers))}: must not be null.");
            return;
        }

        foreach (var (name, value) in Headers)
        {
            if (!VllmRequestHeaders.IsValidName(name))
            {
                problems.Add($"{GetSettingKey(nameof(Headers))}: '{name}' is not a valid header name ({VllmRequestHeaders.NameRule}).");
            }
            else if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{GetSettingKey("Headers:Authorization")}: set {GetSettingKey(nameof(ApiKey))} instead; the key is sent only as Authorization: Bearer.");
            }

            if (value is null)
            {
                problems.Add($"{GetSettingKey("Headers:" + name)}: the value must not be null.");
            }
            else if (!VllmRequestHeaders.IsValidValue(value))
            {
                problems.Add($"{GetSettingKey("Headers:" + name)}: the value must be {VllmRequestHeaders.ValueRule}.");
            }
        }

        // The key travels as a header value too; the message never shows it.
        if (ApiKey is not null && !VllmRequestHeaders.IsValidValue(ApiKey))
        {
            problems.Add($"{GetSettingKey(nameof(ApiKey))}: the key must be {VllmRequestHeaders.ValueRule} (it is sent as Authorization: Bearer).");
        }
    }

    private void ValidateSessionHeaders(List<string> problems)
    {
        if (!VllmRequestHeaders.IsValidName(SessionHeaderName))
        {
            problems.Add($"{GetSettingKey(nameof(SessionHeaderName))}: '{SessionHeaderName}' is not a valid header name ({VllmRequestHeaders.NameRule}); the default is {DefaultSessionHeaderName}.");
        }
        else if (IsReservedHeader(SessionHeaderName))
        {
            problems.Add($"{GetSettingKey(nameof(SessionHeaderName))}: '{SessionHeaderName}' is reserved; use a header of its own such as {DefaultSessionHeaderName} or the router's --session-key.");
        }

        if (StickyResponseHeader is not null)
        {
            ValidateStickyResponseHeader(problems, StickyResponseHeader);
        }
    }

    /// <summary>Each comma-separated entry is a header name of its own: not empty, valid, not reserved, listed once.</summary>
    private void ValidateStickyResponseHeader(List<string> problems, string setting)
    {
        var key = GetSettingKey(nameof(StickyResponseHeader));
        if (string.IsNullOrWhiteSpace(setting))
        {
            problems.Add($"{key}: '{setting}' is not a valid header name (for llm-d use x-session-token), or leave it unset.");
            return;
        }

        var names = Http.VllmStickySessions.SplitHeaderNames(setting);
        if (Array.IndexOf(names, string.Empty) >= 0)
        {
            problems.Add($"{key}: '{setting}' has an empty entry; separate header names with single commas (for llm-d with prefill/decode disaggregation x-session-token,x-session-token-prefill).");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                continue;
            }

            if (!VllmRequestHeaders.IsValidName(name))
            {
                problems.Add($"{key}: '{name}' is not a valid header name ({VllmRequestHeaders.NameRule}; for llm-d use x-session-token), or leave it unset.");
            }
            else if (IsReservedHeader(name))
            {
                problems.Add($"{key}: '{name}' is reserved; name the router's session header (for llm-d x-session-token).");
            }
            else if (!seen.Add(name))
            {
                problems.Add($"{key}: '{name}' is listed more than once; name each header once.");
            }
            else if (string.Equals(name, SessionHeaderName, StringComparison.OrdinalIgnoreCase))
            {
                // The captured token would replace the session id on every later request of the session.
                problems.Add($"{key}: '{name}' is also {GetSettingKey(nameof(SessionHeaderName))}; the router's token and the session id need headers of their own.");
            }
        }
    }

    private static bool IsReservedHeader(string name)
        => name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
            || name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)
            || name.Equals("X-Request-Id", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);

    private void ValidateModels(List<string> problems)
    {
        if (Models is null)
        {
            problems.Add($"{GetSettingKey(nameof(Models))}: must not be null; leave it empty to discover the models from the server.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Models.Count; i++)
        {
            var model = Models[i];
            var at = GetSettingKey($"Models:{i.ToString(CultureInfo.InvariantCulture)}");
            if (model is null)
            {
                problems.Add($"{at}: the entry is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(model.Id))
            {
                problems.Add($"{at}:Id: every model entry needs the id the server knows it by (curl {{BaseUrl}}/models lists them).");
            }
            else if (!seen.Add(model.Id))
            {
                problems.Add($"{at}:Id: '{model.Id}' is listed more than once.");
            }

            if (model.ContextWindow is <= 0)
            {
                problems.Add($"{at}:ContextWindow: {model.ContextWindow.Value.ToString(CultureInfo.InvariantCulture)} must be positive.");
            }

            if (model.MaxTokens is <= 0)
            {
                problems.Add($"{at}:MaxTokens: {model.MaxTokens.Value.ToString(CultureInfo.InvariantCulture)} must be positive.");
            }

            if (model.MaxTokens is { } max && model.ContextWindow is { } window && window > 0 && max > window)
            {
                problems.Add($"{at}:MaxTokens: {max.ToString(CultureInfo.InvariantCulture)} is larger than ContextWindow ({window.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (model.Input is not null)
            {
                foreach (var kind in model.Input)
                {
                    if (string.IsNullOrWhiteSpace(kind))
                    {
                        problems.Add($"{at}:Input: contains an empty entry; use values such as \"text\" and \"image\".");
                    }
                }
            }

            if (model.Cost is { } cost && (cost.Input < 0 || cost.Output < 0 || cost.CacheRead < 0 || cost.CacheWrite < 0))
            {
                problems.Add($"{at}:Cost: costs must not be negative.");
            }
        }
    }

    private static void Positive(List<string> problems, string name, TimeSpan value, bool allowInfinite)
    {
        if (value <= TimeSpan.Zero && !(allowInfinite && value == Timeout.InfiniteTimeSpan))
        {
            problems.Add($"{name}: {value} must be positive.");
        }
    }

    private static void Positive(List<string> problems, string name, long value)
    {
        if (value <= 0)
        {
            problems.Add($"{name}: {value.ToString(CultureInfo.InvariantCulture)} must be positive.");
        }
    }
}
