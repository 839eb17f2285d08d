namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>A tool call the scripted model makes.</summary>
/// <param name="Id">The call id (<c>chatcmpl-tool-…</c>).</param>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments as JSON text.</param>
internal sealed record PlannedCall(string Id, string Name, string Arguments);
