namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>Kinds of <see cref="PlanEvent"/>.</summary>
internal enum PlanEventKind
{
    Reasoning,
    ThinkEnd,
    Content,
    ToolStart,
    ToolArguments,
    ToolEnd,
}
