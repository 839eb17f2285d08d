namespace Connectors.Vllm.Errors;

/// <summary>What an error body said, in whichever of vLLM's forms it came.</summary>
internal readonly record struct VllmErrorInfo(string? Message, string? Type, string? Param, int? Code)
{
    public static VllmErrorInfo Empty => default;
}
