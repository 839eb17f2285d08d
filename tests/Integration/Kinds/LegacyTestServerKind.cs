namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// The test server emulating vLLM 0.10.0: flat error bodies, <c>reasoning_content</c> instead of <c>reasoning</c>, no
/// <c>structured_outputs</c>. Proves the client still works against servers people have not upgraded.
/// </summary>
public sealed class LegacyTestServerKind : TestServerKind
{
    /// <inheritdoc />
    public override string Name => "test-server-0.10.0";

    /// <inheritdoc />
    protected override string ServerVersion => "0.10.0";
}
