namespace Connectors.Vllm.Wire;

/// <summary>A <c>usage</c> object's counts (chat and pooling answers share its shape), held without allocation until one
/// <see cref="UsageDetails"/> is needed.</summary>
internal struct VllmUsageCounts
{
    public bool Present;
    public long? Prompt;
    public long? Completion;
    public long? Total;
    public long? Cached;
    public long? Reasoning;

    public readonly UsageDetails ToUsageDetails() => new()
    {
        InputTokenCount = Prompt,
        OutputTokenCount = Completion,
        TotalTokenCount = Total ?? (Prompt + Completion),
        CachedInputTokenCount = Cached,
        ReasoningTokenCount = Reasoning,
    };

    /// <summary>Reads a <c>usage</c> object (the reader is on its StartObject; anything else is skipped and reads as not
    /// present) into counts, without allocating. The one usage reader: chat (streamed and not) and embeddings.</summary>
    public static VllmUsageCounts Read(ref Utf8JsonReader reader)
    {
        var usage = default(VllmUsageCounts);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return usage;
        }

        usage.Present = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                usage.Prompt = VllmJsonValue.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                usage.Completion = VllmJsonValue.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                usage.Total = VllmJsonValue.Int64(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                usage.Cached = ReadNested(ref reader, "cached_tokens"u8) ?? usage.Cached;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                usage.Reasoning = ReadNested(ref reader, "reasoning_tokens"u8) ?? usage.Reasoning;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return usage;
    }

    private static long? ReadNested(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!VllmJsonValue.StartObject(ref reader))
        {
            return null;
        }

        long? result = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                result = VllmJsonValue.Int64(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return result;
    }
}
