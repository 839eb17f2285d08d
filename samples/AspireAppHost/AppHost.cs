using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

// The AgentDemo on a vLLM container, started and wired by Aspire: `dotnet run --project samples/AspireAppHost`
// (needs Docker or Podman and an NVIDIA GPU; see docs/aspire.md for the CPU image and the settings).
var builder = DistributedApplication.CreateBuilder(args);

// The server's key: set Parameters:vllm-key in user secrets (dotnet user-secrets set Parameters:vllm-key …), or the
// dashboard asks for it at start.
var key = builder.AddParameter("vllm-key", secret: true);

var vllm = builder.AddVllm("vllm")
    .WithModel(builder.Configuration["Vllm:Model"] ?? "Qwen/Qwen3-0.6B")
    .WithApiKey(key)
    .WithDataVolume()
    .WithGpuSupport()
    .WithVllmArgs(
        "--max-model-len", "8192",
        "--enable-auto-tool-choice", "--tool-call-parser", "hermes",
        "--reasoning-parser", "qwen3");

// The demo gets the connection string (ConnectionStrings__vllm) and, for its own settings, the base URL and key; the
// container's address is a loopback port, which the demo must be told to allow.
builder.AddProject<Projects.AgentDemo>("agent-demo")
    .WithReference(vllm)
    .WithEnvironment("VLLM_BASE_URL", ReferenceExpression.Create($"{vllm.GetEndpoint("http")}/v1"))
    .WithEnvironment("VLLM_API_KEY", key)
    .WithArgs("chat", "What is the weather in Paris? Answer in one sentence.", "--no-fallback", "--allow-private-network", "--no-color")
    .WaitFor(vllm);

builder.Build().Run();
