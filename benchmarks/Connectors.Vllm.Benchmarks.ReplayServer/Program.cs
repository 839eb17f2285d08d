using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>
/// <c>dotnet exec Connectors.Vllm.Benchmarks.ReplayServer.dll [--port N] [--examples DIR]</c>: listens on
/// 127.0.0.1 (port 0 = random), prints <c>LISTENING http://127.0.0.1:PORT</c> as its first stdout line,
/// and exits when stdin closes (its parent went away) or on Ctrl+C.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = 0;
        var examples = Path.Combine(AppContext.BaseDirectory, "Examples");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length:
                    port = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--examples" when i + 1 < args.Length:
                    examples = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument: {args[i]}");
                    return 2;
            }
        }

        var catalog = new ReplayCatalog(ReplayTemplates.Load(examples));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        using var listener = new ReplayListener(new IPEndPoint(IPAddress.Loopback, port), catalog);
        Console.Out.WriteLine($"LISTENING http://127.0.0.1:{listener.Port.ToString(CultureInfo.InvariantCulture)}");
        Console.Out.Flush();

        // The parent holds our stdin open; when it ends (parent exited or closed it), stop.
        _ = Task.Run(() =>
        {
            try
            {
                while (Console.In.ReadLine() is not null)
                {
                }
            }
            catch (IOException)
            {
            }

            stop.Cancel();
        });

        try
        {
            await listener.RunAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
