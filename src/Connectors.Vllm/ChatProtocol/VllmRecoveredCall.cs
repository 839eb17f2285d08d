namespace Connectors.Vllm.ChatProtocol;

/// <summary>A call read from markup: the function's name and its arguments as a JSON object's text.</summary>
internal sealed record VllmRecoveredCall(string Name, string Arguments)
{
    public FunctionCallContent ToContent() => VllmChatMapping.CreateFunctionCall(VllmToolCallIds.New(), Name, Arguments);
}
