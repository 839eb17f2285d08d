using System;
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
/// in a typed <see cref="VllmException"/> within the hang limit; heap and sockets must end flat.
/// Usage: dotnet run -c Release --project tests/Soak -- --router [--requests 100000] [--concurrency 512] [--router-mode ProductionStack]
/// </summary>
internal static class RouterChaos
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var result = new SoakResult { Requests = Program.Arg(args, "--requests", 100_000), Concurrency = Program.Arg(args, "--concurrency", 512) };
        var modeIndex = Array.IndexOf(args, "--router-mode");
        var mode = modeIndex >= 0 ? Enum.Parse<VllmTestRouterMode>(args[modeIndex + 1], ignoreCase: true) : VllmTestRouterMode.ProductionStack;

        // Warm-up on a throw-away stack, so lazily created runtime handles are in the baseline; the baseline is taken
        // with nothing running, and the final count after everything is disposed.
        await using (var warm = await RouterStack.StartAsync(mode).ConfigureAwait(false))
        using (var clients = new Clients(warm.Options))
        {
            await Program.RunPhaseAsync(clients, 0, result.Concurrency * 2, result.Concurrency, new SoakResult(), HangLimit).ConfigureAwait(false);
        }

        await Program.SettleAsync().ConfigureAwait(false);
        result.BaselineFds = Program.CountFds(out var baselineSockets);
        result.BaselineSockets = baselineSockets;

        var watch = Stopwatch.StartNew();
        await using (var stack = await RouterStack.StartAsync(mode).ConfigureAwait(false))
        {
            await RunPhasesAsync(stack, result).ConfigureAwait(false);
        }

        result.ElapsedSeconds = watch.Elapsed.TotalSeconds;
        await Program.SettleAsync().ConfigureAwait(false);
        result.FinalFds = Program.CountFds(out var finalSockets);
        result.FinalSockets = finalSockets;

        var heapFlat = result.HeapAfterFullGc.Values.All(h => Math.Abs(h - result.HeapAfterFullGc[10]) <= result.HeapAfterFullGc[10] / 10);
        var handlesBack = result.FinalSockets <= result.BaselineSockets && result.FinalFds <= result.BaselineFds + 16;
        Console.WriteLine(Program.Report(result, heapFlat, handlesBack) + ChaosRows(result, mode));
        return result.UnexpectedErrors == 0 && result.Hangs == 0 && heapFlat && handlesBack ? 0 : 1;
    }

    private static async Task RunPhasesAsync(RouterStack stack, SoakResult result)
    {
        using var clients = new Clients(stack.Options);
        await using var chaos = new ChaosDriver(stack, result);
        var done = 0;
        foreach (var percent in new[] { 10, 50, 100 })
        {
            var target = result.Requests * percent / 100;
            var phase = Program.RunPhaseAsync(clients, done, target, result.Concurrency, result, HangLimit);
            if (percent == 100)
            {
                await stack.RestartAsync(1).ConfigureAwait(false); // a restart while the last phase runs
                result.ChaosEvents["backend restart"] = 1;
            }

            await phase.ConfigureAwait(false);
            done = target;
            Program.CountFds(out var sockets);
            result.PeakSockets = Math.Max(result.PeakSockets, sockets);
            stack.Reset();
            result.HeapAfterFullGc[percent] = Program.FullGcHeap();
            Console.Error.WriteLine($"{percent,3} %: {done} calls, {result.Completed} whole, {result.TypedErrors.Values.Sum()} typed errors, {result.UnexpectedErrors} unexpected, {result.Hangs} hangs, heap {result.HeapAfterFullGc[percent]:N0} B, sockets {sockets}");
        }
    }

    private static string ChaosRows(SoakResult r, VllmTestRouterMode mode)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"| Router (emulated) / backends | {mode} / 3 test servers |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Faults injected | {string.Join(", ", r.ChaosEvents.Select(e => $"{e.Key} {e.Value:N0}"))} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Typed VllmException by status (0 = no response) | {string.Join(", ", r.TypedErrors.Select(e => $"{e.Key}: {e.Value:N0}"))} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Calls past the hang limit ({HangLimit.TotalSeconds:0} s) | {r.Hangs} |");
        return s.ToString();
    }
}
