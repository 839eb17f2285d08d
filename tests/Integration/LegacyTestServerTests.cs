using Connectors.Vllm.Tests.Integration.Kinds;
using Connectors.Vllm.Tests.Integration.Scenarios;
using Xunit;

namespace Connectors.Vllm.Tests.Integration;

/// <summary>The suite against the in-process test server emulating vLLM 0.10.0, strict mode. Always runs.</summary>
public sealed class LegacyTestServerTests(LegacyTestServerKind kind) : VllmIntegrationTests(kind), IClassFixture<LegacyTestServerKind>;
