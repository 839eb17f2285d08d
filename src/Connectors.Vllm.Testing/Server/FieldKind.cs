namespace Connectors.Vllm.Testing.Server;

/// <summary>Pydantic field kinds the test server type-checks.</summary>
internal enum FieldKind
{
    Float,
    Int,
    Bool,
    String,
    List,
    Dict,
}
