using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;
using Spectre.Console;

namespace AgentDemo;

/// <summary>Lists the discovered (or configured) models with their context windows, as a table.</summary>
internal static class ModelsCommand
{
    public static async Task<int> RunAsync(DemoArguments args, DemoConsole console, CancellationToken cancellationToken)
    {
        var options = DemoServer.ConfiguredOptions(args, console);
        using var discovery = new VllmModelDiscovery(options);
        var models = await console.WaitAsync("discovering models…", () => discovery.GetModelsAsync(cancellationToken)).ConfigureAwait(false);
        console.Plain($"{(options.Models.Count > 0 ? "configured" : "discovered")} models at {options.BaseUrl}\n");
        if (models.Count == 0)
        {
            console.Plain("(none)\n");
            return 0;
        }

        var table = console.Table("model", "context", "max out", "notes");
        table.Columns[1].RightAligned();
        table.Columns[2].RightAligned();
        foreach (var model in models)
        {
            var notes = string.Join(", ", new[]
            {
                model.Parent is { } parent ? $"LoRA on {parent}" : null,
                model.Reasoning == true ? "reasoning" : null,
                model.Tools == true ? "tools" : null,
                model.Input is { } input ? "input: " + string.Join("/", input) : null,
            }.Where(n => n is not null));
            table.AddRow(console.Cell("vllm/" + model.Id), console.Cell(Number(model.ContextWindow)), console.Cell(Number(model.MaxTokens)), console.Cell(notes));
        }

        console.Write(table);
        return 0;
    }

    private static string Number(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
}
