using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;
using Spectre.Console;

namespace AgentDemo;

/// <summary>The health row as a table: reachable · auth ok · models discovered · private network approved, then each fix.</summary>
internal static class DoctorCommand
{
    public static async Task<int> RunAsync(DemoArguments args, DemoConsole console, CancellationToken cancellationToken)
    {
        var options = DemoServer.ConfiguredOptions(args, console);
        console.Plain($"vLLM doctor for {options.BaseUrl}\n");
        using var probe = new VllmHealthProbe(options);
        var report = await console.WaitAsync("probing the server…", () => probe.ProbeAsync(cancellationToken)).ConfigureAwait(false);

        var table = console.Table("", "check", "detail");
        Row(console, table, report.Reachable, "reachable", report.ServerVersion is { } v ? $"vLLM {v}" : (report.Loading ? "loading" : null));
        Row(console, table, report.AuthOk, "auth ok", null);
        Row(console, table, report.ModelsDiscovered > 0, "models discovered", report.ModelsDiscovered.ToString(CultureInfo.InvariantCulture));
        Row(console, table, report.PrivateNetworkApproved, "private network approved", report.PrivateNetworkReason);
        console.Write(table);
        foreach (var problem in report.Problems)
        {
            console.Plain("fix: ");
            console.Plain(problem);
            console.Plain("\n");
        }

        return report.Reachable && report.AuthOk && report.ModelsDiscovered > 0 && report.PrivateNetworkApproved ? 0 : 1;
    }

    private static void Row(DemoConsole console, Table table, bool ok, string what, string? detail)
        => table.AddRow(console.Cell(ok ? "✓" : "✗", ok ? console.Green : console.Red), console.Cell(what), console.Cell(detail ?? string.Empty));
}
