namespace Connectors.Vllm;

/// <summary>Cost per million tokens of a model, as configured (self-hosted models usually cost 0).</summary>
public sealed class VllmModelCost
{
    /// <summary>Gets or sets the cost per million input tokens.</summary>
    public decimal Input { get; set; }

    /// <summary>Gets or sets the cost per million output tokens.</summary>
    public decimal Output { get; set; }

    /// <summary>Gets or sets the cost per million input tokens read from the prefix cache.</summary>
    public decimal CacheRead { get; set; }

    /// <summary>Gets or sets the cost per million input tokens written to the prefix cache.</summary>
    public decimal CacheWrite { get; set; }
}
