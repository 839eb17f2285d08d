using System;
using System.Data.Common;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Connectors.Vllm.Tests.Integration.Kinds;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Aspire.Hosting.Tests;

/// <summary>
/// A real vLLM container started by Aspire (DCP) from <c>AddVllm</c>, waited for through its health check, then chatted
/// with through the connection string it hands out. Runs only with <c>VLLM_ASPIRE_E2E=1</c>, a Docker engine and an
/// NVIDIA GPU; otherwise it skips and says which is missing. The first run pulls the image (≈ 10 GB) and the model.
/// </summary>
public sealed class VllmEndToEndTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(
        double.TryParse(Environment.GetEnvironmentVariable("VLLM_ASPIRE_STARTUP_MINUTES"), out var minutes) ? minutes : 20);

    [Fact]
    public async Task AddVllm_RealContainerOnGpu_HealthyThenChatsThroughTheConnectionString()
    {
        var reason = await UnavailableReasonAsync();
        Assert.SkipWhen(reason is not null, reason ?? string.Empty);
        var ct = TestContext.Current.CancellationToken;

        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });
        builder.Configuration["DcpPublisher:CliPath"] = DcpCliPath();
        builder.Configuration["DcpPublisher:DashboardPath"] = "none"; // required by DCP's options even with the dashboard off
        builder.Configuration["Parameters:vllm-key"] = "e2e-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var model = Environment.GetEnvironmentVariable("VLLM_ASPIRE_MODEL") ?? "Qwen/Qwen3-0.6B";
        var vllm = builder.AddVllm("vllm")
            .WithModel(model)
            .WithServedModelName("e2e")
            .WithApiKey(builder.AddParameter("vllm-key", secret: true))
            .WithDataVolume("connectors-vllm-e2e-hf-cache")
            .WithGpuSupport()
            .WithVllmArgs("--max-model-len", "4096");

        await using var app = builder.Build();
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(Startup);
        await app.StartAsync(startup.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("vllm", startup.Token);

        var connection = new DbConnectionStringBuilder
        {
            ConnectionString = await vllm.Resource.ConnectionStringExpression.GetValueAsync(ct),
        };
        Assert.Equal("e2e", connection["Model"]);
        var options = new VllmProviderOptions
        {
            BaseUrl = new Uri((string)connection["Endpoint"]),
            ApiKey = (string)connection["Key"],
            AllowPrivateNetwork = true,
        };
        using var client = new VllmChatClient(options, (string)connection["Model"]);
        var response = await client.GetResponseAsync("Say hello in one word.", new ChatOptions { MaxOutputTokens = 64 }, ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text + string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text))));
        await app.StopAsync(ct);
    }

    /// <summary>Why this machine cannot run the test, or <see langword="null"/> when it can.</summary>
    private static async Task<string?> UnavailableReasonAsync()
    {
        if (Environment.GetEnvironmentVariable("VLLM_ASPIRE_E2E") != "1")
        {
            return "VLLM_ASPIRE_E2E is not 1. To start a real vLLM through Aspire (Docker + NVIDIA GPU; pulls the image and "
                + "Qwen/Qwen3-0.6B on first run): VLLM_ASPIRE_E2E=1 (+ VLLM_ASPIRE_MODEL, VLLM_ASPIRE_STARTUP_MINUTES).";
        }

        if (DcpCliPath() is not { } dcp || !File.Exists(dcp))
        {
            return "VLLM_ASPIRE_E2E=1 but Aspire's orchestrator (DCP) is not here: it is restored for Linux x64 only.";
        }

        if (await DockerEngine.UnavailableReasonAsync() is { } docker)
        {
            return "VLLM_ASPIRE_E2E=1 but " + docker;
        }

        return File.Exists("/dev/nvidiactl") || File.Exists("/proc/driver/nvidia/version")
            ? null
            : "VLLM_ASPIRE_E2E=1 but no NVIDIA GPU driver is visible (/dev/nvidiactl, /proc/driver/nvidia/version).";
    }

    private static string? DcpCliPath() =>
        typeof(VllmEndToEndTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "dcpclipath")?.Value is { Length: > 0 } path ? path : null;
}
