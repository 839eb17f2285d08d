namespace Connectors.Vllm.Diagnostics;

/// <summary>
/// Every event Connectors.Vllm logs itself, source-generated, in the one category <see cref="Category"/>; each event's
/// name is its method's name (the generator's default).
/// Messages carry addresses, model ids, status codes, counts and durations; never the API key, header values,
/// prompts, answers or the server's error text (vLLM's validation errors can echo the request's input).
/// </summary>
internal static partial class VllmLog
{
    /// <summary>The logger category of every event below.</summary>
    public const string Category = "Connectors.Vllm";

    /// <summary>The logger for <paramref name="options"/>: its <see cref="VllmProviderOptions.LoggerFactory"/>, or none.</summary>
    public static ILogger For(VllmProviderOptions options)
        => options.LoggerFactory?.CreateLogger(Category) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    [LoggerMessage(1, LogLevel.Warning, "{Method} {Url} got {Reason}; retrying in {DelayMs} ms (attempt {NextAttempt} of {MaxAttempts}).")]
    public static partial void RetryScheduled(this ILogger logger, string method, Uri url, string reason, long delayMs, int nextAttempt, int maxAttempts);

    [LoggerMessage(2, LogLevel.Information, "Discovered {ModelCount} model(s) at {BaseUrl}: {ModelIds}.")]
    public static partial void ModelsDiscovered(this ILogger logger, int modelCount, Uri baseUrl, string modelIds);

    [LoggerMessage(3, LogLevel.Warning, "Model discovery at {BaseUrl} failed ({StatusCode}); the next call asks again.")]
    public static partial void DiscoveryFailed(this ILogger logger, Uri baseUrl, string statusCode, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "The server at {BaseUrl} reports version {Version}.")]
    public static partial void ServerVersionRead(this ILogger logger, Uri baseUrl, string version);

    [LoggerMessage(5, LogLevel.Information, "The server version at {BaseUrl} could not be read ({StatusCode}); sending the request forms every vLLM version accepts.")]
    public static partial void ServerVersionUnknown(this ILogger logger, Uri baseUrl, string statusCode);

    [LoggerMessage(6, LogLevel.Warning, "Refused to connect to {Host} ({Address}, {Range}): private-network addresses need AllowPrivateNetwork = true.")]
    public static partial void PrivateNetworkRefused(this ILogger logger, string host, string address, string range);

    [LoggerMessage(7, LogLevel.Warning, "The stream from {BaseUrl} sent nothing for {IdleSeconds} s ({Setting}) after {BytesRead} bytes; the request was aborted.")]
    public static partial void StreamStalled(this ILogger logger, Uri baseUrl, double idleSeconds, string setting, long bytesRead);

    [LoggerMessage(8, LogLevel.Information, "{Url} is not served ({StatusCode}); reranking through /score from now on.")]
    public static partial void RerankFallbackToScore(this ILogger logger, Uri url, int statusCode);

    [LoggerMessage(9, LogLevel.Debug, "Health of {BaseUrl}: healthy {IsHealthy}, reachable {Reachable}, auth ok {AuthOk}, loading {Loading}, {ModelCount} model(s), {ProblemCount} problem(s).")]
    public static partial void HealthProbed(this ILogger logger, Uri? baseUrl, bool isHealthy, bool reachable, bool authOk, bool loading, int modelCount, int problemCount);

    // EventId 10 (FirstByteTimeoutBelowIdleTimeout) is retired: FirstByteTimeout no longer times the reads of a stream
    // (VllmHeaderTimeout), so the two settings no longer interact. Not reused, so log queries on the ids stay meaningful.

    [LoggerMessage(11, LogLevel.Warning, "{OptionsType}.AdditionalProperties[\"{Key}\"] is not a vLLM request field this library sends, so it is not sent (reported once per client). {Suggestion}")]
    public static partial void UnknownOptionKey(this ILogger logger, string optionsType, string key, string suggestion);

    [LoggerMessage(12, LogLevel.Debug, "Reasoning effort \"{Requested}\" is sent as {Sent}: vLLM {Version} does not accept it.")]
    public static partial void ReasoningEffortAdjusted(this ILogger logger, string requested, string sent, string version);

    [LoggerMessage(13, LogLevel.Warning, "The answer of {ModelId} is all reasoning and no text ({ReasoningChars} characters of reasoning, finish reason {FinishReason}); it is returned as the server sent it. {Hint}")]
    public static partial void ReasoningWithoutAnswer(this ILogger logger, string modelId, long reasoningChars, string finishReason, string hint);

    // EventIds 20-29: leaked tool-call markup (VllmProviderOptions.ToolCallRecovery). Function names and arguments are the
    // model's output and are never logged; the family, where it sat and the count are.

    [LoggerMessage(20, LogLevel.Warning, "The answer's {Location} carries {Family} tool-call markup that the server did not parse ({CallCount} call(s) with valid JSON arguments); it is returned as text, not as a tool call. {Hint}")]
    public static partial void ToolCallMarkupLeaked(this ILogger logger, string location, string family, int callCount, string hint);

    [LoggerMessage(21, LogLevel.Information, "Recovered {CallCount} tool call(s) from {Family} markup in the answer's {Location} (ToolCallRecovery = Recover). {Hint}")]
    public static partial void ToolCallMarkupRecovered(this ILogger logger, string location, string family, int callCount, string hint);

    /// <summary>The status code for a message: the number, or "no response" for a transport failure.</summary>
    public static string StatusText(VllmException exception)
        => exception.StatusCode is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "no response";
}
