// Microsoft.Extensions.AI marks its speech-to-text abstractions experimental (MEAI001), Semantic Kernel its audio-to-text
// service and AudioContent (SKEXP0001); this file implements the one over the other.
#pragma warning disable MEAI001, SKEXP0001
using System.IO;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.AudioToText;
using Microsoft.SemanticKernel.Services;

namespace Connectors.Vllm.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="IAudioToTextService"/> over an <see cref="ISpeechToTextClient"/> (a <see cref="VllmSpeechToTextClient"/>,
/// possibly wrapped in middleware): the audio's bytes go to the client, the transcript comes back as one <see cref="Microsoft.SemanticKernel.TextContent"/>
/// with the usage in <c>Metadata["Usage"]</c>.
/// </summary>
/// <remarks>Settings: <see cref="PromptExecutionSettings.ModelId"/> picks the model; <c>ExtensionData["language"]</c> is the
/// spoken language (<see cref="SpeechToTextOptions.SpeechLanguage"/>), <c>ExtensionData["text_language"]</c> the language of the
/// text (<see cref="SpeechToTextOptions.TextLanguage"/>: <c>"en"</c> translates); every other entry is sent under its vLLM wire
/// name (<c>prompt</c>, <c>temperature</c>…).</remarks>
internal sealed class VllmAudioToTextService(ISpeechToTextClient client, string? modelId) : IAudioToTextService
{
    /// <summary>The settings key of the spoken language.</summary>
    public const string LanguageKey = "language";

    /// <summary>The settings key of the text's language.</summary>
    public const string TextLanguageKey = "text_language";

    public IReadOnlyDictionary<string, object?> Attributes { get; } = modelId is null
        ? new Dictionary<string, object?>()
        : new Dictionary<string, object?> { [AIServiceExtensions.ModelIdKey] = modelId };

    public async Task<IReadOnlyList<Microsoft.SemanticKernel.TextContent>> GetTextContentsAsync(AudioContent content, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Data is not { } data)
        {
            throw new NotSupportedException("The AudioContent has no data (only a URI): vLLM's speech routes take the audio's bytes. Load the audio into AudioContent.Data (for example new AudioContent(File.ReadAllBytes(path), \"audio/wav\")).");
        }

        var options = ToOptions(executionSettings);
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true)
            : new MemoryStream(data.ToArray(), 0, data.Length, writable: false, publiclyVisible: true);
        var response = await client.GetTextAsync(stream, options, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, object?>();
        if (response.Usage is { } usage)
        {
            metadata["Usage"] = usage;
        }

        if (response.AdditionalProperties is { } extras)
        {
            foreach (var (key, value) in extras)
            {
                metadata[key] = value;
            }
        }

        return [new Microsoft.SemanticKernel.TextContent(response.Text, response.ModelId ?? options.ModelId, response, metadata: metadata)];
    }

    private SpeechToTextOptions ToOptions(PromptExecutionSettings? settings)
    {
        var options = new SpeechToTextOptions { ModelId = settings?.ModelId ?? modelId };
        if (settings?.ExtensionData is not { Count: > 0 } data)
        {
            return options;
        }

        foreach (var (key, value) in data)
        {
            switch (key)
            {
                case LanguageKey:
                    options.SpeechLanguage = value?.ToString();
                    break;
                case TextLanguageKey:
                    options.TextLanguage = value?.ToString();
                    break;
                default:
                    (options.AdditionalProperties ??= [])[key] = value;
                    break;
            }
        }

        return options;
    }
}
