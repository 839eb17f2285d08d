using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Semantic Kernel execution settings with vLLM's sampling extras as typed properties. Each is sent under its
/// vLLM wire name; anything else vLLM accepts can still be put in <see cref="PromptExecutionSettings.ExtensionData"/>
/// under its wire name.
/// </summary>
public sealed class VllmPromptExecutionSettings : PromptExecutionSettings
{
    /// <summary>Gets or sets the sampling temperature (<c>temperature</c>, 0 to 2).</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    /// <summary>Gets or sets nucleus sampling (<c>top_p</c>, (0, 1]).</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    /// <summary>Gets or sets top-k sampling (<c>top_k</c>; 0 or -1 turn it off).</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    /// <summary>Gets or sets the minimum token probability relative to the most likely one (<c>min_p</c>, 0 to 1).</summary>
    [JsonPropertyName("min_p")]
    public double? MinP { get; set; }

    /// <summary>Gets or sets the repetition penalty (<c>repetition_penalty</c>, &gt; 0; 1 means none).</summary>
    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get; set; }

    /// <summary>Gets or sets the maximum number of output tokens (<c>max_tokens</c>).</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the minimum number of output tokens before EOS may end generation (<c>min_tokens</c>).</summary>
    [JsonPropertyName("min_tokens")]
    public int? MinTokens { get; set; }

    /// <summary>Gets or sets the random seed (<c>seed</c>).</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    /// <summary>Gets or sets the scheduling priority (<c>priority</c>; lower is served earlier with priority scheduling).</summary>
    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    /// <summary>Gets or sets keyword arguments for the chat template (<c>chat_template_kwargs</c>, for example <c>enable_thinking</c>).</summary>
    [JsonPropertyName("chat_template_kwargs")]
    public IDictionary<string, object?>? ChatTemplateKwargs { get; set; }
}
