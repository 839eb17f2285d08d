namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>The test server emulating the current vLLM (the version our wire reference describes).</summary>
public sealed class CurrentTestServerKind : TestServerKind
{
    /// <inheritdoc />
    public override string Name => "test-server-0.27.1";

    /// <inheritdoc />
    protected override string ServerVersion => "0.27.1";
}
