using System;
using System.Threading;
using System.Threading.Tasks;

namespace AgentDemo;

/// <summary>A spinner shown on a terminal while waiting for the first token; stops (and erases itself) at the first output.</summary>
internal sealed class FirstTokenProgress : IAsyncDisposable
{
    private readonly ConsoleStyle _style;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _spinner;
    private int _stopped;

    public FirstTokenProgress(ConsoleStyle style)
    {
        _style = style;
        _spinner = Console.IsOutputRedirected || !ReferenceEquals(style.Output, Console.Out) ? Task.CompletedTask : SpinAsync(_stop.Token);
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _spinner.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SpinAsync(CancellationToken cancellationToken)
    {
        const string Frames = "|/-\\";
        var i = 0;
        try
        {
            while (true)
            {
                _style.Output.Write($"\r{Frames[i++ % Frames.Length]} waiting for the first token…");
                await Task.Delay(120, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            _style.Output.Write("\r                                \r");
        }
    }
}
