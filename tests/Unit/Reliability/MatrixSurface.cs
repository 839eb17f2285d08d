namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>The user-facing operations the fault matrix exercises.</summary>
public enum MatrixSurface
{
    /// <summary>Non-streamed chat completion.</summary>
    Chat,

    /// <summary>Streamed chat completion.</summary>
    StreamingChat,

    /// <summary>Embeddings.</summary>
    Embeddings,

    /// <summary>Model discovery (<c>/v1/models</c>).</summary>
    Discovery,

    /// <summary>Health probe.</summary>
    Health,
}
