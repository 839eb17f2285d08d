using System.Text.Json.Serialization;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Semantic Kernel execution settings with vLLM's sampling extras as typed properties. Each is sent under its
/// vLLM wire name; anything else vLLM accepts can still be put in <see cref="PromptExecutionSettings.ExtensionData"/>
/// under its wire name. Like every <see cref="PromptExecutionSettings"/>, it cannot be changed once frozen.
/// </summary>
public sealed class VllmPromptExecutionSettings : PromptExecutionSettings
{
    private double? _temperature;
    private double? _topP;
    private int? _topK;
    private double? _minP;
    private double? _repetitionPenalty;
    private int? _maxTokens;
    private int? _minTokens;
    private long? _seed;
    private int? _priority;
    private IDictionary<string, object?>? _chatTemplateKwargs;

    /// <summary>Gets or sets the sampling temperature (<c>temperature</c>, 0 to 2).</summary>
    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature
    {
        get => _temperature;
        set => Set(ref _temperature, value);
    }

    /// <summary>Gets or sets nucleus sampling (<c>top_p</c>, (0, 1]).</summary>
    [JsonPropertyName("top_p")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TopP
    {
        get => _topP;
        set => Set(ref _topP, value);
    }

    /// <summary>Gets or sets top-k sampling (<c>top_k</c>; 0 or -1 turn it off).</summary>
    [JsonPropertyName("top_k")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TopK
    {
        get => _topK;
        set => Set(ref _topK, value);
    }

    /// <summary>Gets or sets the minimum token probability relative to the most likely one (<c>min_p</c>, 0 to 1).</summary>
    [JsonPropertyName("min_p")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MinP
    {
        get => _minP;
        set => Set(ref _minP, value);
    }

    /// <summary>Gets or sets the repetition penalty (<c>repetition_penalty</c>, &gt; 0; 1 means none).</summary>
    [JsonPropertyName("repetition_penalty")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RepetitionPenalty
    {
        get => _repetitionPenalty;
        set => Set(ref _repetitionPenalty, value);
    }

    /// <summary>Gets or sets the maximum number of output tokens (<c>max_tokens</c>).</summary>
    [JsonPropertyName("max_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens
    {
        get => _maxTokens;
        set => Set(ref _maxTokens, value);
    }

    /// <summary>Gets or sets the minimum number of output tokens before EOS may end generation (<c>min_tokens</c>).</summary>
    [JsonPropertyName("min_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MinTokens
    {
        get => _minTokens;
        set => Set(ref _minTokens, value);
    }

    /// <summary>Gets or sets the random seed (<c>seed</c>).</summary>
    [JsonPropertyName("seed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed
    {
        get => _seed;
        set => Set(ref _seed, value);
    }

    /// <summary>Gets or sets the scheduling priority (<c>priority</c>; lower is served earlier with priority scheduling).</summary>
    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Priority
    {
        get => _priority;
        set => Set(ref _priority, value);
    }

    /// <summary>Gets or sets keyword arguments for the chat template (<c>chat_template_kwargs</c>, for example <c>enable_thinking</c>).</summary>
    [JsonPropertyName("chat_template_kwargs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, object?>? ChatTemplateKwargs
    {
        get => _chatTemplateKwargs;
        set => Set(ref _chatTemplateKwargs, value);
    }

    /// <summary>Sets a field unless the settings are frozen (then <see cref="PromptExecutionSettings.ThrowIfFrozen"/> throws).</summary>
    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }

    /// <summary>Copies these settings, every vLLM field included; the copy is not frozen, even when this instance is.</summary>
    /// <returns>A new <see cref="VllmPromptExecutionSettings"/> with the same values (dictionaries are copied, not shared).</returns>
    public override PromptExecutionSettings Clone() => new VllmPromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        Temperature = _temperature,
        TopP = _topP,
        TopK = _topK,
        MinP = _minP,
        RepetitionPenalty = _repetitionPenalty,
        MaxTokens = _maxTokens,
        MinTokens = _minTokens,
        Seed = _seed,
        Priority = _priority,
        ChatTemplateKwargs = _chatTemplateKwargs is null ? null : new Dictionary<string, object?>(_chatTemplateKwargs),
    };
}
