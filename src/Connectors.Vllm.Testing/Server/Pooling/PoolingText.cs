namespace Connectors.Vllm.Testing.Server.Pooling;

/// <summary>What /score and /rerank share: their text fields, the similarity and the usage block.</summary>
internal static class PoolingText
{
    /// <summary>A string or a list of strings from a score/rerank field.</summary>
    public static List<string> Texts(JsonNode node, string field)
    {
        switch (node)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new List<string> { v.GetValue<string>() };
            case JsonArray arr when arr.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String):
                return arr.Select(x => x!.GetValue<string>()).ToList();
            default:
                throw VllmProblem.Validation("string_type", new[] { "body", field }, "Input should be a valid string", PyText.Repr(node));
        }
    }

    /// <summary>The cosine similarity of the two texts' hashed embeddings.</summary>
    public static double Similarity(VllmTestModel model, string a, string b) =>
        HashEmbedder.Cosine(HashEmbedder.Embed(a, model.EmbeddingDimensions), HashEmbedder.Embed(b, model.EmbeddingDimensions));

    public static void WriteUsage(Utf8JsonWriter w, int promptTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("total_tokens", promptTokens);
        w.WriteNumber("completion_tokens", 0);
        w.WriteNull("prompt_tokens_details");
        w.WriteEndObject();
    }
}
