using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Soak;

/// <summary>
/// The chaos soak (<c>--router</c>): the soak's mixed calls through <see cref="VllmTestRouter"/> over three backends
/// while <see cref="ChaosDriver"/> injects faults and one backend is restarted at 50 %. Every call must end whole or
/// in a typed <see cref="VllmException"/> within the hang limit; the heap must pass <see cref="HeapRule"/> (samples
/// after every 10 %, judged on the second half) and sockets must be back to baseline after dispose.
/// By default the router and backends run in a child process (<see cref="RouterHostProcess"/>), so that the heap and
/// sockets measured are the client's alone; <c>--servers-in-process</c> runs them in this process, as before, for
/// comparison (the heap and sockets then include the router's and backends' connection state).
/// Usage: dotnet run -c Release --project tests/Soak -- --router [--requests 100000] [--concurrency 512]
/// [--router-mode ProductionStack|LlmD|VllmRouter|KServe] [--servers-out-of-process | --servers-in-process]
/// </summary>
internal static class RouterChaos
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var result = new SoakResult { Requests = Program.Arg(args, "--requests", 100_000), Concurrency = Program.Arg(args, "--concurrency", 512) };
        var mode = Mode(args);
        var inProcess = Array.IndexOf(args, "--servers-in-process") >= 0;
        if (inProcess && Array.IndexOf(args, "--servers-out-of-process") >= 0)
        {
            await Console.Error.WriteLineAsync("Give --servers-in-process or --servers-out-of-process, not both.").ConfigureAwait(false);
            return 2;
        }

        Func<bool, Task<IRouterTarget>> start = inProcess
            ? async chaos => await InProcessRouter.StartAsync(mode, chaos).ConfigureAwait(false)
            : async chaos => await RouterHostProcess.StartAsync(mode, chaos).ConfigureAwait(false);

        try
        {
            // Warm-up on a throw-away stack without faults, so lazily created runtime handles are in the baseline; the
            // baseline is taken with nothing running, and the final count after everything is disposed.
            await using (var warm = await start(false).ConfigureAwait(false))
            {
                using (var clients = new Clients(warm.Options))
                {
                    await Program.RunPhaseAsync(clients, 0, result.Concurrency * 2, result.Concurrency, new SoakResult(), HangLimit).ConfigureAwait(false);
                }

                await warm.StopChaosAsync().ConfigureAwait(false);
            }

            await Program.SettleAsync().ConfigureAwait(false);
            result.BaselineFds = Program.CountFds(out var baselineSockets);
            result.BaselineSockets = baselineSockets;

            var watch = Stopwatch.StartNew();
            await using (var target = await start(true).ConfigureAwait(false))
            {
                using (var clients = new Clients(target.Options))
                {
                    await Sampler.RunAsync(result, (from, to, percent) => PhaseAsync(target, clients, from, to, percent, result), target.ResetAsync).ConfigureAwait(false);
                }

                foreach (var (kind, count) in await target.StopChaosAsync().ConfigureAwait(false))
                {
                    result.ChaosEvents[kind] = result.ChaosEvents.GetValueOrDefault(kind) + count;
                }
            }

            result.ElapsedSeconds = watch.Elapsed.TotalSeconds;
        }
        catch (InvalidOperationException ex)
        {
            // The router host misbehaved (no URL, no answer, no exit): the run proves nothing.
            await Console.Error.WriteLineAsync("chaos soak aborted: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        await Program.SettleAsync().ConfigureAwait(false);
        result.FinalFds = Program.CountFds(out var finalSockets);
        result.FinalSockets = finalSockets;

        var heap = new HeapRule(result.Samples);
        var handlesBack = Program.HandlesBack(result);
        var servers = inProcess ? "router and backends in this process (heap and sockets include theirs)" : "router and backends in a child process (heap and sockets are the client's)";
        Console.WriteLine(Program.Report(result, heap, handlesBack, servers, ChaosRows(result, mode)));
        return result.UnexpectedErrors == 0 && result.Hangs == 0 && heap.Passed && handlesBack ? 0 : 1;
    }

    /// <summary>The <c>--router-mode</c> argument; production-stack when absent.</summary>
    /// <exception cref="ArgumentException">The value is not a mode; the message lists the modes.</exception>
    internal static VllmTestRouterMode Mode(string[] args)
    {
        var i = Array.IndexOf(args, "--router-mode");
        if (i < 0)
        {
            return VllmTestRouterMode.ProductionStack;
        }

        var value = i + 1 < args.Length ? args[i + 1] : string.Empty;
        return Enum.TryParse<VllmTestRouterMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new ArgumentException($"--router-mode '{value}' is not one of {string.Join(", ", Enum.GetNames<VllmTestRouterMode>())}.", nameof(args));
    }

    /// <summary>Runs calls [from, to); the phase that starts at 50 % restarts backend 1 while its calls run.</summary>
    private static async Task PhaseAsync(IRouterTarget target, Clients clients, int from, int to, int percent, SoakResult result)
    {
        var phase = Program.RunPhaseAsync(clients, from, to, result.Concurrency, result, HangLimit);
        if (percent == 60)
        {
            await target.RestartBackendAsync(1).ConfigureAwait(false);
            result.ChaosEvents["backend restart"] = 1;
        }

        await phase.ConfigureAwait(false);
    }

    private static string ChaosRows(SoakResult r, VllmTestRouterMode mode)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"| Router (emulated) / backends | {mode} / 3 test servers |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Faults injected | {string.Join(", ", r.ChaosEvents.Select(e => $"{e.Key} {e.Value:N0}"))} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Whole answers / typed VllmException / unexpected errors / past the hang limit ({HangLimit.TotalSeconds:0} s) | {r.Completed:N0} / {r.TypedErrors.Values.Sum():N0} / {r.UnexpectedErrors} / {r.Hangs} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Typed VllmException by status (0 = no response) | {string.Join(", ", r.TypedErrors.Select(e => $"{e.Key}: {e.Value:N0}"))} |");
        return s.ToString();
    }
}
