using System;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.DependencyInjection;

namespace DocsSamples;

/// <summary>
/// The package READMEs' blocks that register services (checked by tests/Unit/Docs/DocsSnippetsTests). This file imports
/// Microsoft.Extensions.DependencyInjection, as the READMEs assume.
/// </summary>
public static class ReadmeSamples
{
    /// <summary>src/Connectors.Vllm.Discovery/README.md, "Health".</summary>
    public static async Task DiscoveryHealthAsync(VllmProviderOptions options, IServiceCollection services)
    {
        #region snippet_readme_discovery_health
        using var probe = new VllmHealthProbe(options);
        VllmHealthReport report = await probe.ProbeAsync();
        Console.WriteLine(report); // reachable ✓ · auth ok ✓ · models 2 · private network approved (default loopback: 127.0.0.1, localhost or [::1] on port 8000 with /v1) · vLLM 0.27.1
        foreach (var problem in report.Problems) Console.WriteLine(problem);

        services.AddHealthChecks().AddVllm(options); // name "vllm"; Degraded while the server loads
        #endregion
    }
}
