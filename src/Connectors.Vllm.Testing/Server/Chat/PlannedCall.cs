namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>A tool call the scripted model makes.</summary>
internal sealed class PlannedCall
{
    public PlannedCall(string id, string name, string arguments)
    {
        Id = id;
        Name = name;
        Arguments = arguments;
    }

    public string Id { get; }

    public string Name { get; }

    public string Arguments { get; }
}
