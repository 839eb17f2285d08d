using System.Linq;
using System.Threading.Tasks;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace Connectors.Vllm.Aspire.Hosting.Tests;

/// <summary>The connection string and connection properties a referencing project receives.</summary>
public sealed class VllmConnectionStringTests
{
    private static System.Threading.CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ConnectionStringExpression_ModelServedNameAndKey_EndpointModelKeyInManifestForm()
    {
        var builder = AppModel.CreateBuilder();
        var vllm = builder.AddVllm("vllm").WithModel("Qwen/Qwen3-0.6B").WithServedModelName("chat")
            .WithApiKey(builder.AddParameter("vllm-key", secret: true));

        Assert.Equal(
            "Endpoint={vllm.bindings.http.scheme}://{vllm.bindings.http.host}:{vllm.bindings.http.port}/v1;Model=chat;Key={vllm-key.value}",
            vllm.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task GetConnectionStringAsync_EndpointAllocated_ValueWithServedNameAndKey()
    {
        var builder = AppModel.CreateBuilder(("Parameters:vllm-key", "k-123"));
        var vllm = builder.AddVllm("vllm").WithModel("Qwen/Qwen3-0.6B").WithServedModelName("chat")
            .WithApiKey(builder.AddParameter("vllm-key", secret: true));
        AppModel.Allocate(vllm.Resource, "http", "localhost", 51234);

        Assert.Equal("Endpoint=http://localhost:51234/v1;Model=chat;Key=k-123", await ((IResourceWithConnectionString)vllm.Resource).GetConnectionStringAsync(Ct));
    }

    [Fact]
    public async Task GetConnectionStringAsync_ModelOnly_ModelIsTheModel()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm").WithModel("Qwen/Qwen3-0.6B");
        AppModel.Allocate(vllm.Resource, "http", "localhost", 51234);

        Assert.Equal("Endpoint=http://localhost:51234/v1;Model=Qwen/Qwen3-0.6B", await ((IResourceWithConnectionString)vllm.Resource).GetConnectionStringAsync(Ct));
    }

    [Fact]
    public async Task GetConnectionStringAsync_NoModelNoKey_EndpointOnly()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");
        AppModel.Allocate(vllm.Resource, "http", "localhost", 51234);

        Assert.Equal("Endpoint=http://localhost:51234/v1", await ((IResourceWithConnectionString)vllm.Resource).GetConnectionStringAsync(Ct));
    }

    [Fact]
    public async Task GetConnectionProperties_EndpointAllocated_HostPortUriModel()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm").WithModel("Qwen/Qwen3-0.6B");
        AppModel.Allocate(vllm.Resource, "http", "localhost", 51234);

        var properties = ((IResourceWithConnectionString)vllm.Resource).GetConnectionProperties().ToList();

        Assert.Equal(["Host", "Port", "Uri", "Model"], properties.Select(p => p.Key));
        var values = await Task.WhenAll(properties.Select(async p => await p.Value.GetValueAsync(Ct)));
        Assert.Equal(["localhost", "51234", "http://localhost:51234/v1", "Qwen/Qwen3-0.6B"], values);
    }

    [Fact]
    public void GetConnectionProperties_NoModel_NoModelProperty()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");

        var properties = ((IResourceWithConnectionString)vllm.Resource).GetConnectionProperties();

        Assert.Equal(["Host", "Port", "Uri"], properties.Select(p => p.Key));
    }

    [Fact]
    public async Task WithReference_ProjectReferencingVllm_GetsTheConnectionStringAndProperties()
    {
        var builder = AppModel.CreateBuilder(("Parameters:vllm-key", "k-123"));
        var vllm = builder.AddVllm("vllm").WithModel("m/m").WithApiKey(builder.AddParameter("vllm-key", secret: true));
        var app = builder.AddContainer("app", "app-image").WithReference(vllm);
        AppModel.Allocate(vllm.Resource, "http", "localhost", 51234);

        var env = await AppModel.EnvironmentAsync(app.Resource);

        Assert.Equal("Endpoint=http://localhost:51234/v1;Model=m/m;Key=k-123", env["ConnectionStrings__vllm"]);
        Assert.Equal("http://localhost:51234/v1", env["VLLM_URI"]);
        Assert.Equal("m/m", env["VLLM_MODEL"]);
    }
}
