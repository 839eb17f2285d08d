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

    /// <summary>The cells of the table row whose <paramref name="column"/>-th cell is <paramref name="key"/> (plain tables: cells split by two or more spaces).</summary>
    private static string[] TableRow(string output, int column, string key)
        => Assert.Single(output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Split(l.Trim(), " {2,}|(?<=^[✓✗]) ")), c => c.Length > column && c[column] == key);

    [Fact]
    public async Task Doctor_HealthyServer_AllRowsPass()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network");

        Assert.Equal(0, exit);
        Assert.Equal(["✓", "reachable", "vLLM " + _server.Options.ServerVersion], TableRow(output, 1, "reachable"));
        Assert.Equal("✓", TableRow(output, 1, "auth ok")[0]);
        Assert.Equal(["✓", "models discovered", "2"], TableRow(output, 1, "models discovered"));
        Assert.Equal(["✓", "private network approved", "AllowPrivateNetwork is true"], TableRow(output, 1, "private network approved"));
    }

    [Fact]
    public async Task Doctor_PrivateAddressNotApproved_FailsWithFix()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", _server.BaseUrl.ToString());

        Assert.Equal(1, exit);
        Assert.Equal("✗", TableRow(output, 1, "private network approved")[0]);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("fix: ", StringComparison.Ordinal) && l.Contains("AllowPrivateNetwork", StringComparison.Ordinal));
        Assert.DoesNotContain(_server.Requests, r => r.Path.StartsWith("/v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_NothingListening_ReportsUnreachableWithCurlFix()
    {
        var (exit, output) = await RunAsync("doctor", "--base-url", "http://127.0.0.1:9/v1", "--allow-private-network");

        Assert.Equal(1, exit);
        Assert.Equal("✗", TableRow(output, 1, "reachable")[0]);
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
        Assert.Equal(["model", "context", "max out", "notes"], TableRow(output, 0, "model"));
        Assert.Equal("32,768", TableRow(output, 0, "vllm/demo-reasoner")[1]);
        Assert.Equal("LoRA on demo-reasoner", TableRow(output, 0, "vllm/demo-lora")[3]);
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
    public async Task Arguments_UnknownOption_PrintsErrorAndHelp()
    {
        var (exit, output) = await RunAsync("--frobnicate");

        Assert.Equal(DemoApp.UsageExitCode, exit);
        Assert.Contains("Unknown option --frobnicate.", output, StringComparison.Ordinal);
        Assert.Contains("Commands:", output, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("--agent", "gpt", "Argument 'gpt' not recognized. Must be one of:")]
    [InlineData("--base-url", "not-a-url", "--base-url: 'not-a-url' is not an absolute http(s) URL.")]
    [InlineData("--image", "/no/such/picture.png", "File does not exist: '/no/such/picture.png'.")]
    public async Task Arguments_InvalidValue_ExitsWithUsageCodeAndSaysWhy(string option, string value, string message)
    {
        var (exit, output) = await RunAsync("chat", "hi", option, value);

        Assert.Equal(DemoApp.UsageExitCode, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("70000")]
    [InlineData("-1")]
    public async Task Arguments_PortOutOfRange_ExitsWithUsageCode(string port)
    {
        var (exit, output) = await RunAsync("serve", "--port", port);

        Assert.Equal(DemoApp.UsageExitCode, exit);
        Assert.Contains("--port", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_ImageThatIsNotAnImage_ExitsWithUsageCode()
    {
        var path = Path.Combine(Path.GetTempPath(), $"agentdemo-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "not an image", TestContext.Current.CancellationToken);
        try
        {
            var (exit, output) = await RunAsync("chat", "hi", "--image", path);

            Assert.Equal(DemoApp.UsageExitCode, exit);
            Assert.Contains("is not an image file (.png", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Help_ListsCommandsOptionsAndTheTestServer()
    {
        var (exit, output) = await RunAsync("--help");

        Assert.Equal(0, exit);
        foreach (var expected in new[] { "doctor", "models", "serve", "--agent <maf|sk>", "--image <path>", "--no-color", "built-in test server" })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--agent ", "maf", "sk")]
    [InlineData("", "doctor", "models", "serve", "chat")]
    public void Completions_AtTheEnd_OfferTheChoices(string commandLine, params string[] expected)
    {
        var root = new DemoCommandLine().Create((_, _) => Task.FromResult(0));

        var completions = root.Parse(commandLine).GetCompletions(commandLine.Length).Select(c => c.Label).ToList();

        foreach (var label in expected)
        {
            Assert.Contains(label, completions);
        }
    }

    [Fact]
    public async Task Output_ColorTerminalVersusNoColor_EscapeCodesOnlyWhenColored()
    {
        var args = new[] { "models", "--base-url", _server.BaseUrl.ToString(), "--allow-private-network" };
        using var colored = new StringWriter();
        using var plain = new StringWriter();

        await DemoApp.RunAsync(args, colored, TextReader.Null, interactive: false, color: true, TestContext.Current.CancellationToken);
        await DemoApp.RunAsync([.. args, "--no-color"], plain, TextReader.Null, interactive: false, color: true, TestContext.Current.CancellationToken);

        Assert.Contains("╭", colored.ToString(), StringComparison.Ordinal); // rounded table border
        Assert.DoesNotContain("\u001b", plain.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("╭", plain.ToString(), StringComparison.Ordinal);
        Assert.Contains("vllm/demo-reasoner", plain.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sk")]
    [InlineData("maf")]
    public async Task Chat_Image_SendsTheFileAsAnImagePartWithItsMediaType(string agent)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agentdemo-{Guid.NewGuid():N}.png");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        await File.WriteAllBytesAsync(path, png, TestContext.Current.CancellationToken);
        try
        {
            var (exit, output) = await RunAsync("chat", "--image", path, "--agent", agent, "--model", "demo-reasoner",
                "--base-url", _server.BaseUrl.ToString(), "--allow-private-network", "--no-fallback");

            Assert.True(exit == 0, output);
            Assert.Contains("> " + ChatCommand.DescribeImagePrompt, output, StringComparison.Ordinal);
            var body = Assert.Single(_server.Requests, r => r.Path == "/v1/chat/completions").Body;
            Assert.Contains("\"image_url\"", body, StringComparison.Ordinal);
            Assert.Contains("data:image/png;base64," + Convert.ToBase64String(png), body, StringComparison.Ordinal);
            Assert.Contains(ChatCommand.DescribeImagePrompt, body, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
