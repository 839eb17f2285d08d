using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AgentDemo;
using Connectors.Vllm.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.AgentDemo;

/// <summary>The sample's commands, run in-process against the test server, with their output checked.</summary>
public sealed class AgentDemoCommandsTests : IAsyncLifetime
{
    private VllmTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Reasoning("demo-reasoner", maxModelLen: 32768));
        options.Models.Add(VllmTestModel.LoraAdapter("demo-lora", "demo-reasoner"));
        _server = await VllmTestServer.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await DemoApp.RunAsync(args, output, TextReader.Null, interactive: false, color: false, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Doctor_HealthyServer_AllRowsPass()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network");

        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("✓ reachable", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ auth ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ models discovered (2)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ private network approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_PrivateAddressNotApproved_FailsWithFix()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", _server.BaseUrl.ToString());

        Assert.Equal(1, exit);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("✗ private network approved", StringComparison.Ordinal));
        Assert.Contains("AllowPrivateNetwork", output, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Path.StartsWith("/v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_NothingListening_ReportsUnreachableWithCurlFix()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", "http://127.0.0.1:9/v1", "--allow-private-network");

        Assert.Equal(1, exit);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("✗ reachable", StringComparison.Ordinal));
        Assert.Contains("curl http://127.0.0.1:9/v1/models", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_Verbose_ShowsTheLibrarysEventsAndPlainRunDoesNot()
    {
        var (verboseExit, verbose) = await RunAsync("models", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network", "--verbose");
        var (plainExit, plain) = await RunAsync("models", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network");

        Assert.Equal(0, verboseExit);
        Assert.Equal(0, plainExit);
        Assert.Contains(verbose.Split('\n'), l => l.StartsWith("log: info Discovered 2 model(s) at " + _server.BaseUrl, StringComparison.Ordinal));
        Assert.DoesNotContain("log: ", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_Table_ListsModelsWithContextWindowAndLoraParent()
    {
        var (exit, output) = await RunAsync("models", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network");

        Assert.Equal(0, exit);
        var rows = output.Split('\n');
        var reasoner = Assert.Single(rows, r => r.StartsWith("vllm/demo-reasoner ", StringComparison.Ordinal));
        Assert.Contains("32,768", reasoner, StringComparison.Ordinal);
        var lora = Assert.Single(rows, r => r.StartsWith("vllm/demo-lora ", StringComparison.Ordinal));
        Assert.Contains("LoRA on demo-reasoner", lora, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sk")]
    [InlineData("maf")]
    public async Task Chat_ToolPrompt_CallsToolStreamsAnswerAndShowsUsage(string agent)
    {
        var (exit, output) = await RunAsync("chat", "Please use units_convert: how many km is 26.2 mi?", "--agent", agent, "--model", "demo-reasoner",
            "--base-url", _server.BaseUrl.ToString(), "--allow-private-network", "--no-fallback");

        Assert.True(exit == 0, output);
        Assert.Contains("[tool] ", output, StringComparison.Ordinal);
        Assert.Contains("thinking: ", output, StringComparison.Ordinal);
        var usage = Assert.Single(output.Split('\n'), l => l.StartsWith("usage: ", StringComparison.Ordinal));
        Assert.Contains(" out · ", usage, StringComparison.Ordinal);
        Assert.True(_server.Requests.Count(r => r.Path == "/v1/chat/completions") >= 2);
    }

    [Fact]
    public async Task Chat_NoServerReachable_FallsBackToTestServerAndSaysSo()
    {
        var (exit, output) = await RunAsync("chat", "hello", "--base-url", "http://127.0.0.1:9/v1", "--allow-private-network");

        Assert.Equal(0, exit);
        Assert.Contains("no vLLM at http://127.0.0.1:9/v1; using the built-in test server", output, StringComparison.Ordinal);
        Assert.Contains("answers are scripted", output, StringComparison.Ordinal);
        Assert.Contains("hello", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_NoFallbackAndNoServer_FailsClearly()
    {
        var (exit, output) = await RunAsync("chat", "hello", "--base-url", "http://127.0.0.1:9/v1", "--allow-private-network", "--no-fallback");

        Assert.Equal(1, exit);
        Assert.Contains("No vLLM at http://127.0.0.1:9/v1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PrintedCurlUrl_ListsTheServedModels()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var output = new SignallingWriter("Press Ctrl+C to stop.");
        var run = DemoApp.RunAsync(["serve", "--port", "0"], output, TextReader.Null, interactive: false, color: false, cts.Token);
        await output.Seen.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var curl = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("Try: curl ", StringComparison.Ordinal));
        var url = curl["Try: curl ".Length..curl.IndexOf(' ', "Try: curl ".Length)];
        using var http = new HttpClient();
        var body = await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken);
        await cts.CancelAsync();

        Assert.Equal(0, await run);
        Assert.EndsWith("/v1/models", url, StringComparison.Ordinal);
        Assert.Contains("\"test-embedding-model\"", body, StringComparison.Ordinal);
    }

    /// <summary>A writer that completes <see cref="Seen"/> once a line containing a marker was written.</summary>
    private sealed class SignallingWriter(string marker) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override Task WriteLineAsync(string? value)
        {
            var task = base.WriteLineAsync(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult();
            }

            return task;
        }
    }

    [Fact]
    public async Task Arguments_UnknownOption_PrintsUsage()
    {
        var (exit, output) = await RunAsync("--frobnicate");

        Assert.Equal(2, exit);
        Assert.Contains("Unknown option --frobnicate", output, StringComparison.Ordinal);
        Assert.Contains("Commands:", output, StringComparison.Ordinal);
    }
}
