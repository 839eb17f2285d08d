using System.Runtime.CompilerServices;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Completions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextGeneration;
using SkTextContent = Microsoft.SemanticKernel.TextContent;

namespace Connectors.Vllm.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="ITextGenerationService"/> over vLLM's <c>/v1/completions</c> (base models): the prompt as
/// given (no chat template), vLLM's extras from <see cref="VllmPromptExecutionSettings"/> and
/// <see cref="PromptExecutionSettings.ExtensionData"/>, and in each content's <c>Metadata</c>: <c>Id</c>, <c>Created</c>,
/// <c>FinishReason</c>, <c>Usage</c> (a <see cref="UsageDetails"/>; streamed: on the last content) and vLLM's choice fields
/// (<c>logprobs</c>, <c>stop_reason</c>, <c>token_ids</c>, <c>system_fingerprint</c>).
/// </summary>
internal sealed class VllmTextGenerationService : ITextGenerationService, IDisposable
{
    private readonly VllmTextCompletionClient _client;

    public VllmTextGenerationService(VllmProviderOptions options, string? modelId, HttpClient? httpClient)
    {
        _client = new VllmTextCompletionClient(options, modelId, httpClient);
        Attributes = _client.DefaultModelId is { } id
            ? new Dictionary<string, object?> { [AIServiceExtensions.ModelIdKey] = id }
            : new Dictionary<string, object?>();
    }

    public IReadOnlyDictionary<string, object?> Attributes { get; }

    public void Dispose() => _client.Dispose();

    public async Task<IReadOnlyList<SkTextContent>> GetTextContentsAsync(string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var (update, parser) = await _client.CompleteAsync(prompt, executionSettings, cancellationToken).ConfigureAwait(false);
        return [new SkTextContent(update.Text, parser.ModelId, update, metadata: Metadata(update, parser, withUsage: true))];
    }

    public async IAsyncEnumerable<StreamingTextContent> GetStreamingTextContentsAsync(string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        await foreach (var (update, parser) in _client.StreamAsync(prompt, executionSettings, cancellationToken).ConfigureAwait(false))
        {
            var usage = false;
            foreach (var content in update.Contents)
            {
                usage |= content is UsageContent;
            }

            yield return new StreamingTextContent(usage ? null : update.Text, 0, parser.ModelId, update, metadata: Metadata(update, parser, usage));
        }
    }

    private static Dictionary<string, object?> Metadata(ChatResponseUpdate update, VllmChatStreamParser parser, bool withUsage)
    {
        var metadata = new Dictionary<string, object?>
        {
            ["Id"] = parser.ResponseId,
            ["Created"] = parser.CreatedAt,
        };
        if (update.FinishReason is { } finish)
        {
            metadata["FinishReason"] = finish.Value;
        }

        if (withUsage && parser.Usage is { } usage)
        {
            metadata["Usage"] = usage;
        }

        if (update.AdditionalProperties is { } extras)
        {
            foreach (var (key, value) in extras)
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }
}
