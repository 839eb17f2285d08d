using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace AgentDemo;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
        {
            return await ServeAsync(args).ConfigureAwait(false);
        }

        Console.WriteLine("AgentDemo");
        Console.WriteLine("  serve [--port 8000] [--api-key KEY]   run the scripted vLLM test server (not a model)");
        Console.WriteLine();
        Console.WriteLine("Point a client at it with: VLLM_BASE_URL=http://127.0.0.1:8000/v1 (model \"test-model\").");
        return 0;
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        var options = new VllmTestServerOptions { Port = 8000 };
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length:
                    options.Port = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--api-key" when i + 1 < args.Length:
                    options.ApiKey = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument: {args[i]}");
                    return 2;
            }
        }

        options.Models.Add(VllmTestModel.Chat(VllmTestServerOptions.DefaultModelId));
        options.Models.Add(VllmTestModel.Reasoning("test-reasoning-model"));
        options.Models.Add(VllmTestModel.Embedding("test-embedding-model", 384, supportsMatryoshka: true));

        await using var server = await VllmTestServer.StartAsync(options).ConfigureAwait(false);
        Console.WriteLine("Scripted vLLM test server (a test double that echoes; not a model).");
        Console.WriteLine($"  base URL: {server.BaseUrl}");
        foreach (var m in server.Models)
        {
            var kind = m.IsEmbedding ? "embedding" : m.IsReasoning ? "chat, reasoning" : "chat";
            Console.WriteLine($"  model:    {m.Id} ({kind})");
        }

        Console.WriteLine(options.ApiKey is null ? "  auth:     none" : "  auth:     Bearer key required on /v1");
        Console.WriteLine("Press Ctrl+C to stop.");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("Stopping.");
        }

        return 0;
    }
}
