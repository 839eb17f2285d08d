using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;

namespace AgentDemo;

/// <summary>The health row: reachable · auth ok · models discovered · private network approved, each with its fix.</summary>
internal static class DoctorCommand
{
    public static async Task<int> RunAsync(DemoArguments args, ConsoleStyle style, CancellationToken cancellationToken)
    {
        var options = DemoServer.ConfiguredOptions(args, style);
        style.Plain($"vLLM doctor for {options.BaseUrl}\n");
        using var probe = new VllmHealthProbe(options);
        var report = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);

        Row(style, report.Reachable, "reachable", report.ServerVersion is { } v ? $"vLLM {v}" : (report.Loading ? "loading" : null));
        Row(style, report.AuthOk, "auth ok", null);
        Row(style, report.ModelsDiscovered > 0, "models discovered", report.ModelsDiscovered.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row(style, report.PrivateNetworkApproved, "private network approved", null);
        foreach (var problem in report.Problems)
        {
            style.Plain("  fix: ");
            style.Plain(problem);
            style.Plain("\n");
        }

        return report.Reachable && report.AuthOk && report.ModelsDiscovered > 0 && report.PrivateNetworkApproved ? 0 : 1;
    }

    private static void Row(ConsoleStyle style, bool ok, string what, string? detail)
    {
        if (ok)
        {
            style.Good("✓ ");
        }
        else
        {
            style.Bad("✗ ");
        }

        style.Plain(detail is null ? $"{what}\n" : $"{what} ({detail})\n");
    }
}
