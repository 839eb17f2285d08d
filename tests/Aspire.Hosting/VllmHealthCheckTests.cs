using System.Linq;
using System.Threading.Tasks;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Xunit;

namespace Connectors.Vllm.Aspire.Hosting.Tests;

/// <summary>The resource's health check: <c>GET /health</c>, healthy only once the server answers 200 (the model is loaded).</summary>
public sealed class VllmHealthCheckTests
{
    private static System.Threading.CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthCheck_ServerUp_HealthyAfterGetHealth()
    {
        await using var server = await VllmTestServer.StartAsync(ct: Ct);

        var (status, _) = await CheckAsync(server);

        Assert.Equal(HealthStatus.Healthy, status);
        Assert.Contains(server.Requests, r => r.Method == "GET" && r.Path == "/health");
    }

    [Fact]
    public async Task HealthCheck_ModelStillLoading_Unhealthy()
    {
        await using var server = await VllmTestServer.StartAsync(ct: Ct);
        server.AddFault(new VllmTestFault(VllmTestFaultKind.HealthLoading));

        var (status, _) = await CheckAsync(server);

        Assert.Equal(HealthStatus.Unhealthy, status);
    }

    /// <summary>Builds the app, points the vLLM endpoint at <paramref name="server"/> and runs the resource's registered health check once.</summary>
    private static async Task<(HealthStatus Status, string? Description)> CheckAsync(VllmTestServer server)
    {
        var builder = AppModel.CreateBuilder();
        var vllm = builder.AddVllm("vllm");
        using var app = builder.Build();
        AppModel.Allocate(vllm.Resource, "http", server.RootUrl.Host, server.RootUrl.Port);
        await app.Services.GetRequiredService<IDistributedApplicationEventing>()
            .PublishAsync(new BeforeResourceStartedEvent(vllm.Resource, app.Services), Ct);

        var key = vllm.Resource.Annotations.OfType<HealthCheckAnnotation>().Single().Key;
        var registration = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single(r => r.Name == key);
        var result = await registration.Factory(app.Services).CheckHealthAsync(new HealthCheckContext { Registration = registration }, Ct);
        return (result.Status, result.Description);
    }
}
