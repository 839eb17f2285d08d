using Connectors.Vllm.Tests.Integration.Kinds;
using Connectors.Vllm.Tests.Integration.Scenarios;
using Xunit;

namespace Connectors.Vllm.Tests.Integration;

/// <summary>The suite against vLLM in a Docker container; skipped with the reason unless <c>VLLM_CONTAINER=1</c> and an engine answers.</summary>
public sealed class VllmContainerTests(VllmContainerKind kind) : VllmIntegrationTests(kind), IClassFixture<VllmContainerKind>;
