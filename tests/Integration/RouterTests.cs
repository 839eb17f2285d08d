using Connectors.Vllm.Tests.Integration.Kinds;
using Connectors.Vllm.Tests.Integration.Scenarios;
using Xunit;

namespace Connectors.Vllm.Tests.Integration;

/// <summary>The suite through <see cref="Connectors.Vllm.Testing.VllmTestRouter"/> over two test servers. Always runs.</summary>
public sealed class RouterTests(RouterKind kind) : VllmIntegrationTests(kind), IClassFixture<RouterKind>;
