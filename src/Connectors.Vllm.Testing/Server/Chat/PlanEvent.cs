namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>One step of the scripted generation: a token (or a group of tokens) and what it becomes on the wire.</summary>
/// <param name="Kind">What the step is.</param>
/// <param name="Text">The step's text.</param>
/// <param name="Cost">How many completion tokens the step uses.</param>
/// <param name="CallIndex">The tool call the step belongs to, or -1.</param>
internal sealed record PlanEvent(PlanEventKind Kind, string Text, int Cost, int CallIndex = -1);
