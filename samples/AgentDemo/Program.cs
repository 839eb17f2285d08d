using System;
using System.Threading;
using System.Threading.Tasks;

namespace AgentDemo;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var interactive = !Console.IsInputRedirected;
        var color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        return await DemoApp.RunAsync(args, Console.Out, Console.In, interactive, color, cancel.Token).ConfigureAwait(false);
    }
}
