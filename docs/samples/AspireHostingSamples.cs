using Aspire.Hosting;

namespace DocsSamples;

/// <summary>
/// docs/aspire.md and src/Connectors.Vllm.Aspire.Hosting/README.md: AppHost code (checked by
/// tests/Unit/Docs/DocsSnippetsTests). <c>Projects.Api</c> stands for the class the AppHost SDK generates for a
/// referenced project (docs/samples/AspireProjects.cs).
/// </summary>
public static class AspireHostingSamples
{
    /// <summary>docs/aspire.md, "The AppHost".</summary>
    public static void AppHost(string[] args)
    {
        #region snippet_aspire_apphost
        var builder = DistributedApplication.CreateBuilder(args);

        var vllm = builder.AddVllm("chat")
            .WithModel("Qwen/Qwen3-0.6B")
            .WithDataVolume()
            .WithGpuSupport();

        builder.AddProject<Projects.Api>("api")
            .WithReference(vllm)
            .WaitFor(vllm);

        builder.Build().Run();
        #endregion
    }

    /// <summary>docs/aspire.md, "The server's settings".</summary>
    public static void Settings(IDistributedApplicationBuilder builder)
    {
        #region snippet_aspire_settings
        var key = builder.AddParameter("vllm-key", secret: true);
        var hfToken = builder.AddParameter("hf-token", secret: true);

        var vllm = builder.AddVllm("chat", port: 8000)
            .WithModel("Qwen/Qwen3-8B")
            .WithServedModelName("chat")
            .WithApiKey(key)
            .WithHuggingFaceToken(hfToken)
            .WithDataVolume("hf-cache")
            .WithGpuSupport()
            .WithVllmArgs(
                "--max-model-len", "32768",
                "--enable-auto-tool-choice", "--tool-call-parser", "hermes",
                "--reasoning-parser", "qwen3");
        #endregion
    }

    /// <summary>docs/aspire.md, "Without a GPU".</summary>
    public static void CpuImage(IDistributedApplicationBuilder builder)
    {
        #region snippet_aspire_cpu
        var vllm = builder.AddVllm("chat")
            .WithImageRegistry("public.ecr.aws")
            .WithImage("q9t5s3a7/vllm-cpu-release-repo", "v0.27.1")
            .WithModel("Qwen/Qwen3-0.6B")
            .WithVllmArgs("--max-model-len", "4096");
        #endregion
    }

    /// <summary>src/Connectors.Vllm.Aspire.Hosting/README.md.</summary>
    public static void Readme(IDistributedApplicationBuilder builder)
    {
        #region snippet_readme_aspire_hosting
        var key = builder.AddParameter("vllm-key", secret: true);
        var vllm = builder.AddVllm("vllm")
            .WithModel("Qwen/Qwen3-0.6B")
            .WithApiKey(key)
            .WithDataVolume()
            .WithGpuSupport()
            .WithVllmArgs("--enable-auto-tool-choice", "--tool-call-parser", "hermes");

        builder.AddProject<Projects.Api>("api")
            .WithReference(vllm)
            .WaitFor(vllm);
        #endregion
    }
}
