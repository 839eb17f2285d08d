using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Embeddings: sizes, batch order, similarity.</content>
public abstract partial class VllmIntegrationTests
{
    private static readonly string[] EmbeddingInputs =
    [
        "The cat sits on the mat.",
        "A cat is sitting on a mat.",
        "Quarterly revenue grew by twelve percent.",
    ];

    private const string NoEmbeddingModel = "no embedding model is configured (VLLM_EMBEDDING_MODEL, and VLLM_EMBEDDING_BASE_URL when it is served elsewhere).";

    [Fact]
    public async Task GenerateAsync_Batch_OneVectorPerInputInInputOrder()
    {
        Require(Kind.EmbeddingModel is not null, NoEmbeddingModel);
        using var generator = new VllmEmbeddingGenerator(Kind.EmbeddingOptions!, Kind.EmbeddingModel);

        var batch = await generator.GenerateAsync(EmbeddingInputs, cancellationToken: Ct);

        Assert.Equal(EmbeddingInputs.Length, batch.Count);
        var size = batch[0].Vector.Length;
        Assert.True(size > 0);
        Assert.All(batch, e => Assert.Equal(size, e.Vector.Length));
        Assert.True(batch.Usage?.InputTokenCount > 0, "embedding usage reported");

        // Each batch slot holds the vector of the input at that position: embed each alone and compare.
        for (var i = 0; i < EmbeddingInputs.Length; i++)
        {
            var single = (await generator.GenerateAsync([EmbeddingInputs[i]], cancellationToken: Ct)).Single();
            Assert.True(Cosine(single.Vector.Span, batch[i].Vector.Span) > 0.999f, $"batch slot {i} is the vector of input {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_RelatedTexts_MoreSimilarThanUnrelated()
    {
        Require(Kind.EmbeddingModel is not null, NoEmbeddingModel);
        using var generator = new VllmEmbeddingGenerator(Kind.EmbeddingOptions!, Kind.EmbeddingModel);

        var batch = await generator.GenerateAsync(EmbeddingInputs, cancellationToken: Ct);

        var related = Cosine(batch[0].Vector.Span, batch[1].Vector.Span);
        var unrelated = Cosine(batch[0].Vector.Span, batch[2].Vector.Span);
        Assert.True(related > unrelated, $"cat/cat similarity {related} > cat/revenue similarity {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_WithDimensions_ReturnsVectorsOfThatSize()
    {
        Require(Kind.EmbeddingModel is not null, NoEmbeddingModel);
        Require(Kind.Capabilities.EmbeddingDimensions && Kind.EmbeddingDimensions is not null, "the embedding model has no Matryoshka sizes configured (VLLM_EMBEDDING_DIMENSIONS).");
        using var generator = new VllmEmbeddingGenerator(Kind.EmbeddingOptions!, Kind.EmbeddingModel);

        var batch = await generator.GenerateAsync(EmbeddingInputs, new EmbeddingGenerationOptions { Dimensions = Kind.EmbeddingDimensions }, Ct);

        Assert.All(batch, e => Assert.Equal(Kind.EmbeddingDimensions!.Value, e.Vector.Length));
    }
}
