namespace Connectors.Vllm.Testing.Server;

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
