using System.Text.Json.Serialization;

namespace Connectors.Vllm.Catalog;

/// <summary>Source-generated (AOT-clean) serialization of the discovery wire types. The wire is snake_case: a property
/// named <c>OwnedBy</c> reads <c>owned_by</c>; only a name that does not follow that rule carries <c>[JsonPropertyName]</c>.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(VllmModelListResponse))]
[JsonSerializable(typeof(VllmVersionResponse))]
internal sealed partial class VllmDiscoveryJsonContext : JsonSerializerContext
{
}
