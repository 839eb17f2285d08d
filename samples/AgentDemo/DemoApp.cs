using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;

namespace AgentDemo;

/// <summary>The demo's entry, separate from <c>Main</c> so tests can run each command in-process.</summary>
internal static class DemoApp
{
    /// <summary>The exit code of a command line that does not parse (as before: 2, with the errors and the help).</summary>
    internal const int UsageExitCode = 2;

    public static async Task<int> RunAsync(string[] argv, TextWriter output, TextReader input, bool interactive, bool color, CancellationToken cancellationToken)
    {
        var root = new DemoCommandLine().Create((args, ct) => RunCommandAsync(args, output, input, interactive, color, ct));
        var parsed = root.Parse(argv);
        var exit = await parsed.InvokeAsync(
            new InvocationConfiguration
            {
                Output = output,
                Error = output,
                // Program.Main owns Ctrl+C and SIGTERM (they cancel cancellationToken).
                ProcessTerminationTimeout = null,
            },
            cancellationToken).ConfigureAwait(false);
        return parsed.Errors.Count > 0 ? UsageExitCode : exit;
    }

    private static async Task<int> RunCommandAsync(DemoArguments args, TextWriter output, TextReader input, bool interactive, bool color, CancellationToken cancellationToken)
    {
        var console = DemoConsole.Create(output, color && !args.NoColor);
        try
        {
            switch (args.Command)
            {
                case "doctor":
                    return await DoctorCommand.RunAsync(args, console, cancellationToken).ConfigureAwait(false);
                case "models":
                    return await ModelsCommand.RunAsync(args, console, cancellationToken).ConfigureAwait(false);
                case "serve":
                    return await ServeCommand.RunAsync(args, output, cancellationToken).ConfigureAwait(false);
                default:
                    await using (var server = await DemoServer.ResolveAsync(args, console, cancellationToken).ConfigureAwait(false))
                    {
                        return await ChatCommand.RunAsync(args, server, console, input, interactive && args.Prompt is null, cancellationToken).ConfigureAwait(false);
                    }
            }
        }
        catch (VllmException ex)
        {
            console.Bad("error: ");
            console.Plain(ex.Message + "\n");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Plain("\ncancelled\n");
            return 130;
        }
    }
}
