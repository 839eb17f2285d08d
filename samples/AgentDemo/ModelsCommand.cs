using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;

namespace AgentDemo;

/// <summary>Lists the discovered (or configured) models with their context windows.</summary>
internal static class ModelsCommand
{
    public static async Task<int> RunAsync(DemoArguments args, ConsoleStyle style, CancellationToken cancellationToken)
    {
        var options = DemoServer.ConfiguredOptions(args, style);
        var models = await new VllmModelDiscovery(options).GetModelsAsync(cancellationToken).ConfigureAwait(false);
        style.Plain($"{(options.Models.Count > 0 ? "configured" : "discovered")} models at {options.BaseUrl}\n");
        var idWidth = models.Select(m => ("vllm/" + m.Id).Length).DefaultIfEmpty(10).Max();
        style.Plain($"{"model".PadRight(idWidth)}  {"context",8}  {"max out",8}  notes\n");
        foreach (var model in models)
        {
            var notes = string.Join(", ", new[]
            {
                model.Parent is { } parent ? $"LoRA on {parent}" : null,
                model.Reasoning == true ? "reasoning" : null,
                model.Tools == true ? "tools" : null,
                model.Input is { } input ? "input: " + string.Join("/", input) : null,
            }.Where(n => n is not null));
            style.Plain(string.Create(CultureInfo.InvariantCulture,
                $"{("vllm/" + model.Id).PadRight(idWidth)}  {Number(model.ContextWindow),8}  {Number(model.MaxTokens),8}  {notes}\n"));
        }

        if (models.Count == 0)
        {
            style.Plain("(none)\n");
        }

        return 0;
    }

    private static string Number(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
}
