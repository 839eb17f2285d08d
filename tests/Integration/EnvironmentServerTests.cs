using Connectors.Vllm.Tests.Integration.Kinds;
using Connectors.Vllm.Tests.Integration.Scenarios;
using Xunit;

namespace Connectors.Vllm.Tests.Integration;

/// <summary>The suite against the server named by <c>VLLM_BASE_URL</c>; skipped with the reason when it is not set.</summary>
public sealed class EnvironmentServerTests(EnvironmentServerKind kind) : VllmIntegrationTests(kind), IClassFixture<EnvironmentServerKind>;
