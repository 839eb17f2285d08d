using System;
using Microsoft.Extensions.Logging;

namespace AgentDemo;

/// <summary>
/// <c>--verbose</c>: the library's own events (category <c>Connectors.Vllm</c>, Debug and up) as dimmed
/// <c>log:</c> lines in the demo's output; the OpenAI SDK's per-request lines only from Warning up.
/// </summary>
internal sealed class DemoLoggerFactory(DemoConsole console) : ILoggerFactory
{
    private readonly object _gate = new();

    public ILogger CreateLogger(string categoryName)
        => new DemoLogger(this, categoryName.StartsWith("Connectors.Vllm", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Warning);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        lock (_gate) // events can come from timer threads (a stalled stream)
        {
            console.Dim($"log: {Short(level)} {message}\n");
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class DemoLogger(DemoLoggerFactory owner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, formatter(state, exception));
            }
        }
    }
}
