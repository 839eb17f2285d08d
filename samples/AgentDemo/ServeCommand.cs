using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace AgentDemo;

/// <summary>Runs the scripted test server standalone, so a person can curl it or point any OpenAI client at it.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(DemoArguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new VllmTestServerOptions { Port = args.Port, ApiKey = args.ApiKey };
        options.Models.Add(VllmTestModel.Chat(VllmTestServerOptions.DefaultModelId));
        options.Models.Add(VllmTestModel.Reasoning("test-reasoning-model"));
        options.Models.Add(VllmTestModel.Embedding("test-embedding-model", 384, supportsMatryoshka: true));

        await using var server = await VllmTestServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync("Scripted vLLM test server (a test double that echoes; not a model).").ConfigureAwait(false);
        await output.WriteLineAsync($"  base URL: {server.BaseUrl}").ConfigureAwait(false);
        foreach (var model in server.Models)
        {
            var kind = model.IsEmbedding ? "embedding" : model.IsReasoning ? "chat, reasoning" : "chat";
            await output.WriteLineAsync($"  model:    {model.Id} ({kind})").ConfigureAwait(false);
        }

        await output.WriteLineAsync(options.ApiKey is null ? "  auth:     none" : "  auth:     Bearer key required on /v1").ConfigureAwait(false);
        var modelsUrl = server.BaseUrl.ToString().TrimEnd('/') + "/models";
        await output.WriteLineAsync($"Try: curl {modelsUrl}   ·   or: dotnet run --project samples/AgentDemo -- --base-url {server.BaseUrl} --allow-private-network").ConfigureAwait(false);
        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
        }

        return 0;
    }
}
