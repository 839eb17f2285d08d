using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;

namespace AgentDemo;

/// <summary>The demo's entry, separate from <c>Main</c> so tests can run each command in-process.</summary>
internal static class DemoApp
{
    public static async Task<int> RunAsync(string[] argv, TextWriter output, TextReader input, bool interactive, bool color, CancellationToken cancellationToken)
    {
        DemoArguments args;
        try
        {
            args = DemoArguments.Parse(argv);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await output.WriteLineAsync(DemoArguments.Usage).ConfigureAwait(false);
            return 2;
        }

        if (args.Help)
        {
            await output.WriteLineAsync(DemoArguments.Usage).ConfigureAwait(false);
            return 0;
        }

        var style = new ConsoleStyle(output, color && !args.NoColor);
        try
        {
            switch (args.Command)
            {
                case "doctor":
                    return await DoctorCommand.RunAsync(args, style, cancellationToken).ConfigureAwait(false);
                case "models":
                    return await ModelsCommand.RunAsync(args, style, cancellationToken).ConfigureAwait(false);
                case "serve":
                    return await ServeCommand.RunAsync(args, output, cancellationToken).ConfigureAwait(false);
                default:
                    await using (var server = await DemoServer.ResolveAsync(args, style, cancellationToken).ConfigureAwait(false))
                    {
                        return await ChatCommand.RunAsync(args, server, style, input, interactive && args.Prompt is null, cancellationToken).ConfigureAwait(false);
                    }
            }
        }
        catch (VllmException ex)
        {
            style.Bad("error: ");
            style.Plain(ex.Message + "\n");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            style.Plain("\ncancelled\n");
            return 130;
        }
    }
}
