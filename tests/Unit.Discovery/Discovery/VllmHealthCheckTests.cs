using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Health;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmHealthCheckTests
{
    private static readonly Uri PublicBaseUrl = new("http://203.0.113.10:8000/v1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HealthCheckContext Context(VllmHealthCheck check, HealthStatus failureStatus)
        => new() { Registration = new HealthCheckRegistration("vllm", check, failureStatus, tags: null) };

    private static InMemoryHandler Server(HttpStatusCode health, HttpStatusCode models)
        => new(request => request.Path switch
        {
            "/health" => new HttpResponseMessage(health) { Content = new ByteArrayContent([]) },
            "/v1/models" when models == HttpStatusCode.OK => InMemoryHandler.Json("""{"object":"list","data":[{"id":"m","max_model_len":4096}]}"""),
            "/v1/models" => InMemoryHandler.Json("""{"error":"Unauthorized"}""", models),
            _ => InMemoryHandler.Json("""{"version":"0.27.1"}"""),
        });

    [Fact]
    public async Task CheckHealthAsync_HealthyServer_Healthy()
    {
        using var client = Server(HttpStatusCode.OK, HttpStatusCode.OK).CreateClient();
        using var probe = new VllmHealthProbe(new VllmProviderOptions { BaseUrl = PublicBaseUrl }, client);
        var check = new VllmHealthCheck(probe);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Unhealthy), Ct);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1, result.Data["modelsDiscovered"]);
        Assert.Equal("0.27.1", result.Data["serverVersion"]);
    }

    [Fact]
    public async Task CheckHealthAsync_Loading_Degraded()
    {
        using var client = Server(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK).CreateClient();
        using var probe = new VllmHealthProbe(new VllmProviderOptions { BaseUrl = PublicBaseUrl }, client);
        var check = new VllmHealthCheck(probe);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Unhealthy), Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("503", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_WrongKey_RegistrationFailureStatus()
    {
        using var client = Server(HttpStatusCode.OK, HttpStatusCode.Unauthorized).CreateClient();
        using var probe = new VllmHealthProbe(new VllmProviderOptions { BaseUrl = PublicBaseUrl, ApiKey = "wrong" }, client);
        var check = new VllmHealthCheck(probe);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded), Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(false, result.Data["authOk"]);
        Assert.Contains("VLLM_API_KEY", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVllm_Options_RegistersNamedCheck()
    {
        var services = new ServiceCollection();

        services.AddHealthChecks().AddVllm(new VllmProviderOptions(), name: "local-vllm", failureStatus: HealthStatus.Degraded, tags: ["ai"], timeout: TimeSpan.FromSeconds(5));

        using var provider = services.BuildServiceProvider();
        var registration = Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal("local-vllm", registration.Name);
        Assert.Equal(HealthStatus.Degraded, registration.FailureStatus);
        Assert.Equal(["ai"], registration.Tags.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(5), registration.Timeout);
        Assert.IsType<VllmHealthCheck>(registration.Factory(provider));
    }

    [Fact]
    public void AddVllm_InvalidOptions_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<VllmException>(() => services.AddHealthChecks().AddVllm(new VllmProviderOptions { Api = "x" }));
    }
}
