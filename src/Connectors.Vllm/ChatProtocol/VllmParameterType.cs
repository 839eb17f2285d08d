namespace Connectors.Vllm.ChatProtocol;

/// <summary>A tool parameter's declared JSON-schema type, lower case (<see langword="null"/> when unknown), and whether
/// <c>null</c> is allowed.</summary>
internal readonly record struct VllmParameterType(string? Name, bool Nullable);
