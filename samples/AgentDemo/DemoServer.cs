using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.Configuration;

namespace AgentDemo;

/// <summary>
/// The server the demo talks to: the configured vLLM when it answers, else the built-in scripted test server
/// (said plainly, so nobody mistakes its answers for a model's).
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    internal const string TestChatModel = "demo/scripted-reasoner";
    internal const string TestEmbeddingModel = "demo/scripted-embedder";

    private readonly VllmTestServer? _testServer;

    private DemoServer(VllmProviderOptions options, string? chatModel, string? embeddingModel, VllmTestServer? testServer)
    {
        Options = options;
        ChatModel = chatModel;
        EmbeddingModel = embeddingModel;
        _testServer = testServer;
    }

    public VllmProviderOptions Options { get; }

    public string? ChatModel { get; }

    public string? EmbeddingModel { get; }

    public bool IsTestServer => _testServer is not null;

    /// <summary>Options from appsettings.json ("Vllm" section), then the environment, then <c>--base-url</c>;
    /// with <c>--verbose</c>, the library logs to the demo's output.</summary>
    public static VllmProviderOptions ConfiguredOptions(DemoArguments args, DemoConsole console)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .Build();
        var section = configuration.GetSection("Vllm");
        var options = section.Exists()
            ? VllmProviderOptions.FromConfiguration(section)
            : VllmProviderOptions.FromEnvironment() ?? new VllmProviderOptions();
        if (args.BaseUrl is not null)
        {
            options.BaseUrl = args.BaseUrl;
        }

        if (args.ApiKey is not null)
        {
            options.ApiKey = args.ApiKey;
        }

        if (args.AllowPrivateNetwork)
        {
            options.AllowPrivateNetwork = true;
        }

        options.LoggerFactory = args.Verbose ? new DemoLoggerFactory(console) : null;
        return options;
    }

    /// <summary>Finds a server: the configured one if it is reachable, else (unless <c>--no-fallback</c>) the test server.</summary>
    public static async Task<DemoServer> ResolveAsync(DemoArguments args, DemoConsole console, CancellationToken cancellationToken)
    {
        var options = ConfiguredOptions(args, console);
        using (var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            probeTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                using var probe = new VllmHealthProbe(options);
                var report = await console.WaitAsync($"looking for vLLM at {options.BaseUrl}…", () => probe.ProbeAsync(probeTimeout.Token)).ConfigureAwait(false);
                if (report.Reachable)
                {
                    return new DemoServer(options, args.Model, args.EmbeddingModel, testServer: null);
                }

                if (args.NoFallback)
                {
                    throw new VllmException($"No vLLM at {options.BaseUrl}: {string.Join(" ", report.Problems)}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !args.NoFallback)
            {
                // The probe timed out: treat as unreachable and fall back.
            }
        }

        var testOptions = new VllmTestServerOptions();
        testOptions.Models.Add(VllmTestModel.Reasoning(TestChatModel, maxModelLen: 32768));
        testOptions.Models.Add(VllmTestModel.Embedding(TestEmbeddingModel, dimensions: 256));
        var server = await VllmTestServer.StartAsync(testOptions, cancellationToken).ConfigureAwait(false);
        console.Dim($"no vLLM at {options.BaseUrl}; using the built-in test server at {server.BaseUrl} — answers are scripted.\n\n");
        var fallback = new VllmProviderOptions { BaseUrl = server.BaseUrl, AllowPrivateNetwork = true, LoggerFactory = options.LoggerFactory };
        return new DemoServer(fallback, TestChatModel, TestEmbeddingModel, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_testServer is not null)
        {
            await _testServer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
