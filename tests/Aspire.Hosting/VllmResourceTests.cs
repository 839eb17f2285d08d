using System;
using System.Linq;
using System.Threading.Tasks;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace Connectors.Vllm.Aspire.Hosting.Tests;

/// <summary>What <c>AddVllm</c> and its builder methods put in the app model: image, endpoint, arguments, runtime arguments, mounts, environment.</summary>
public sealed class VllmResourceTests
{
    [Fact]
    public void AddVllm_Defaults_PinnedImageHttpEndpointOn8000()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");

        var image = vllm.Resource.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("docker.io", "vllm/vllm-openai", "v0.27.1"), (image.Registry, image.Image, image.Tag));
        var endpoint = vllm.Resource.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.Equal(("http", "http", 8000, (int?)null), (endpoint.Name, endpoint.UriScheme, endpoint.TargetPort, endpoint.Port));
    }

    [Fact]
    public void AddVllm_Port_BindsThatHostPort()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm", port: 18000);

        var endpoint = vllm.Resource.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.Equal((18000, 8000), (endpoint.Port, endpoint.TargetPort));
    }

    [Fact]
    public void AddVllm_NullArguments_Throw()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IDistributedApplicationBuilder)null!).AddVllm("vllm")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => AppModel.CreateBuilder().AddVllm(null!)).ParamName);
    }

    [Fact]
    public async Task AddVllm_NoModel_NoServeArguments()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");

        Assert.Empty(await AppModel.ArgsAsync(vllm.Resource));
    }

    [Fact]
    public async Task WithModel_ServedNameAndVllmArgs_ModelFirstThenServedNameThenArgsInOrder()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm")
            .WithVllmArgs("--max-model-len", "8192")
            .WithServedModelName("chat")
            .WithModel("Qwen/Qwen3-0.6B")
            .WithVllmArgs("--enable-auto-tool-choice", "--tool-call-parser", "hermes");

        Assert.Equal(
            ["--model", "Qwen/Qwen3-0.6B", "--served-model-name", "chat", "--max-model-len", "8192", "--enable-auto-tool-choice", "--tool-call-parser", "hermes"],
            await AppModel.ArgsAsync(vllm.Resource));
    }

    [Fact]
    public async Task WithModel_CalledTwice_LastOneWins()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm").WithModel("a/first").WithModel("b/second");

        Assert.Equal(["--model", "b/second"], await AppModel.ArgsAsync(vllm.Resource));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("org/model;Key=stolen")]
    public void WithModel_EmptyOrSemicolon_ThrowsArgumentException(string model)
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");

        Assert.Equal("model", Assert.ThrowsAny<ArgumentException>(() => vllm.WithModel(model)).ParamName);
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => vllm.WithServedModelName(model)).ParamName);
    }

    [Fact]
    public void WithMethods_NullBuilder_Throw()
    {
        IResourceBuilder<VllmResource> none = null!;
        var key = AppModel.CreateBuilder().AddParameter("key", secret: true);

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithModel("m")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithServedModelName("m")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithApiKey(key)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithHuggingFaceToken(key)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithDataVolume()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithGpuSupport()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.WithVllmArgs("--x")).ParamName);
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");
        Assert.Equal("apiKey", Assert.Throws<ArgumentNullException>(() => vllm.WithApiKey(null!)).ParamName);
        Assert.Equal("token", Assert.Throws<ArgumentNullException>(() => vllm.WithHuggingFaceToken(null!)).ParamName);
        Assert.Equal("args", Assert.Throws<ArgumentNullException>(() => vllm.WithVllmArgs(null!)).ParamName);
    }

    [Fact]
    public async Task AddVllm_WithoutGpuSupport_OnlySharedIpc()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm");

        Assert.Equal(["--ipc=host"], await AppModel.RuntimeArgsAsync(vllm.Resource));
    }

    [Fact]
    public async Task WithGpuSupport_Docker_GpusAll()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm").WithGpuSupport();

        Assert.Equal(["--ipc=host", "--gpus", "all"], await AppModel.RuntimeArgsAsync(vllm.Resource));
    }

    [Theory]
    [InlineData("ASPIRE_CONTAINER_RUNTIME")]
    [InlineData("DOTNET_ASPIRE_CONTAINER_RUNTIME")]
    public async Task WithGpuSupport_Podman_CdiDevice(string setting)
    {
        var vllm = AppModel.CreateBuilder((setting, "Podman")).AddVllm("vllm").WithGpuSupport();

        Assert.Equal(["--ipc=host", "--device", "nvidia.com/gpu=all"], await AppModel.RuntimeArgsAsync(vllm.Resource));
    }

    [Fact]
    public async Task WithGpuSupport_RuntimeSetAfterTheCall_FollowsTheRuntimeAtStart()
    {
        var builder = AppModel.CreateBuilder();
        var vllm = builder.AddVllm("vllm").WithGpuSupport();
        builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] = "podman";

        Assert.Contains("nvidia.com/gpu=all", await AppModel.RuntimeArgsAsync(vllm.Resource));
    }

    [Fact]
    public void WithDataVolume_Name_MountsTheHuggingFaceCache()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("vllm").WithDataVolume("hf-models");

        var mount = vllm.Resource.Annotations.OfType<ContainerMountAnnotation>().Single();
        Assert.Equal(("hf-models", "/root/.cache/huggingface", ContainerMountType.Volume, false), (mount.Source, mount.Target, mount.Type, mount.IsReadOnly));
    }

    [Fact]
    public void WithDataVolume_NoName_NameDerivedFromTheResource()
    {
        var vllm = AppModel.CreateBuilder().AddVllm("llm").WithDataVolume();

        var mount = vllm.Resource.Annotations.OfType<ContainerMountAnnotation>().Single();
        Assert.Contains("llm", mount.Source, StringComparison.Ordinal);
        Assert.Equal("/root/.cache/huggingface", mount.Target);
    }

    [Fact]
    public async Task WithApiKeyAndHuggingFaceToken_SecretParameters_PassedAsEnvironmentNotArguments()
    {
        var builder = AppModel.CreateBuilder(("Parameters:vllm-key", "k-123"), ("Parameters:hf-token", "hf_abc"));
        var vllm = builder.AddVllm("vllm")
            .WithModel("m/m")
            .WithApiKey(builder.AddParameter("vllm-key", secret: true))
            .WithHuggingFaceToken(builder.AddParameter("hf-token", secret: true));

        var env = await AppModel.EnvironmentAsync(vllm.Resource);
        Assert.Equal("k-123", env["VLLM_API_KEY"]);
        Assert.Equal("hf_abc", env["HF_TOKEN"]);
        var args = await AppModel.ArgsAsync(vllm.Resource);
        Assert.DoesNotContain("--api-key", args);
        Assert.DoesNotContain("k-123", args);
    }

    [Fact]
    public void WithApiKey_NotSecretParameter_RefusedNamingTheFix()
    {
        var builder = AppModel.CreateBuilder(("Parameters:vllm-key", "k-123"));
        var vllm = builder.AddVllm("vllm");
        var plain = builder.AddParameter("vllm-key");

        var ex = Assert.Throws<ArgumentException>(() => vllm.WithApiKey(plain));
        Assert.Equal("apiKey", ex.ParamName);
        Assert.Contains("AddParameter(\"vllm-key\", secret: true)", ex.Message, StringComparison.Ordinal);
        Assert.Null(vllm.Resource.ApiKeyParameter);
        Assert.DoesNotContain(vllm.Resource.Annotations, a => a is EnvironmentCallbackAnnotation);
    }

    [Fact]
    public void WithHuggingFaceToken_NotSecretParameter_Refused()
    {
        var builder = AppModel.CreateBuilder();
        var vllm = builder.AddVllm("vllm");

        var ex = Assert.Throws<ArgumentException>(() => vllm.WithHuggingFaceToken(builder.AddParameter("hf-token")));
        Assert.Equal("token", ex.ParamName);
        Assert.Contains("secret: true", ex.Message, StringComparison.Ordinal);
    }
}
