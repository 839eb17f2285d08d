using System.Text.Json.Serialization;

namespace Connectors.Vllm.Catalog;

/// <summary>Source-generated (AOT-clean) serialization of the discovery wire types.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(VllmModelListResponse))]
[JsonSerializable(typeof(VllmVersionResponse))]
internal sealed partial class VllmDiscoveryJsonContext : JsonSerializerContext
{
}
