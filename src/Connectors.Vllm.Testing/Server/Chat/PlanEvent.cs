namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>One step of the scripted generation: a token (or a group of tokens) and what it becomes on the wire.</summary>
internal sealed class PlanEvent
{
    public PlanEvent(PlanEventKind kind, string text, int cost, int callIndex = -1)
    {
        Kind = kind;
        Text = text;
        Cost = cost;
        CallIndex = callIndex;
    }

    public PlanEventKind Kind { get; }

    public string Text { get; }

    /// <summary>How many completion tokens the step uses.</summary>
    public int Cost { get; }

    public int CallIndex { get; }
}
