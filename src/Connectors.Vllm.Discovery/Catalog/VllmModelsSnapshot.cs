using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Catalog;

/// <summary>
/// One model list (configured or discovered) with everything callers ask for precomputed, so that
/// repeated questions ("the models", "model X", "the default model's metadata") cost no allocation.
/// </summary>
internal sealed class VllmModelsSnapshot
{
    private readonly Dictionary<string, VllmModelDefinition> _byId;

    /// <param name="models">The models.</param>
    /// <param name="baseUrl">The server's base URL.</param>
    /// <param name="configuredKey">The configuration key the models came from (<c>Vllm:Models</c>), or <see langword="null"/> when discovered.</param>
    public VllmModelsSnapshot(IReadOnlyList<VllmModelDefinition> models, Uri baseUrl, string? configuredKey)
    {
        Models = models;
        ModelsTask = Task.FromResult(models);
        _byId = new Dictionary<string, VllmModelDefinition>(models.Count, StringComparer.Ordinal);
        var ids = new string[models.Count];
        for (var i = 0; i < models.Count; i++)
        {
            ids[i] = models[i].Id;
            _byId.TryAdd(models[i].Id, models[i]);
        }

        ServedIds = ids;
        if (models.Count == 1)
        {
            DefaultMetadata = new ChatClientMetadata(VllmModelRef.ProviderName, baseUrl, models[0].Id);
            DefaultMetadataTask = Task.FromResult(DefaultMetadata);
        }
        else
        {
            var source = configuredKey is not null ? $"configured in {configuredKey}" : $"served by {baseUrl}";
            var message = models.Count == 0
                ? $"No model id was given and there are no models {source}. Check the server's models with curl {Errors.VllmErrors.Combine(baseUrl, "models")}."
                : $"No model id was given and {models.Count} models are {source}: {string.Join(", ", ids)}. Name one of them (for example ChatOptions.ModelId or the client's default model id).";
            DefaultMetadataError = message;
        }
    }

    public IReadOnlyList<VllmModelDefinition> Models { get; }

    public Task<IReadOnlyList<VllmModelDefinition>> ModelsTask { get; }

    public IReadOnlyList<string> ServedIds { get; }

    /// <summary>The metadata naming the only model, or <see langword="null"/> when there is not exactly one.</summary>
    public ChatClientMetadata? DefaultMetadata { get; }

    /// <summary><see cref="DefaultMetadata"/> as a completed task, or <see langword="null"/> when there is not exactly one model.</summary>
    public Task<ChatClientMetadata>? DefaultMetadataTask { get; }

    /// <summary>Why there is no default model (none, or several: listed), or <see langword="null"/>.</summary>
    public string? DefaultMetadataError { get; }

    /// <summary>The default metadata, or a new exception listing the models (new each time, so stack traces stay honest).</summary>
    public Task<ChatClientMetadata> GetDefaultMetadataTask()
        => DefaultMetadataTask ?? Task.FromException<ChatClientMetadata>(new VllmException(DefaultMetadataError!));

    public VllmModelDefinition? Find(string modelId) => _byId.GetValueOrDefault(modelId);
}
