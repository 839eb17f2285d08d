using Connectors.Vllm.Tests.Integration.Kinds;
using Connectors.Vllm.Tests.Integration.Scenarios;
using Xunit;

namespace Connectors.Vllm.Tests.Integration;

/// <summary>The suite against the in-process test server emulating the current vLLM, strict mode. Always runs.</summary>
public sealed class CurrentTestServerTests(CurrentTestServerKind kind) : VllmIntegrationTests(kind), IClassFixture<CurrentTestServerKind>;
