using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;

namespace Connectors.Vllm.Soak;

/// <summary>
/// The child process of the out-of-process chaos soak (<c>--router-host --router-mode X [--no-chaos]</c>): starts the
/// router, its three backends and (unless <c>--no-chaos</c>) the <see cref="ChaosDriver"/>, writes the router's base
/// URL as one line on stdout, then obeys one command a line on stdin: <c>restart N</c> restarts backend N and answers
/// <c>ok</c>; <c>reset</c> forgets the recorded requests and answers <c>ok</c>; <c>stop</c> stops the faults, prints
/// their counts as one JSON line, disposes everything and exits 0. If stdin closes first (the soak is gone) it
/// disposes everything and exits 3. Nothing else is written to stdout.
/// </summary>
internal static class RouterHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mode = RouterChaos.Mode(args);
        var chaos = Array.IndexOf(args, "--no-chaos") < 0;
        var stdout = Console.Out;
        await using var target = await InProcessRouter.StartAsync(mode, chaos).ConfigureAwait(false);
        await stdout.WriteLineAsync(target.Options.BaseUrl.ToString()).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);

        using var stdin = new StreamReader(Console.OpenStandardInput());
        while (await stdin.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string answer;
            switch (words)
            {
                case ["restart", var index]:
                    await target.RestartBackendAsync(int.Parse(index, CultureInfo.InvariantCulture)).ConfigureAwait(false);
                    answer = "ok";
                    break;
                case ["reset"]:
                    await target.ResetAsync().ConfigureAwait(false);
                    answer = "ok";
                    break;
                case ["stop"]:
                    var events = await target.StopChaosAsync().ConfigureAwait(false);
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(events)).ConfigureAwait(false);
                    await stdout.FlushAsync().ConfigureAwait(false);
                    return 0; // the router and backends are disposed on the way out
                default:
                    answer = "error: unknown command '" + line + "'";
                    break;
            }

            await stdout.WriteLineAsync(answer).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync("router host: stdin closed without 'stop'; shutting down").ConfigureAwait(false);
        return 3;
    }
}
