namespace Connectors.Vllm.Testing;

/// <summary>
/// One model served by <see cref="VllmTestServer"/>: a base chat model, a LoRA adapter (<see cref="Parent"/> set),
/// a reasoning model, or an embedding (pooling) model.
/// </summary>
/// <remarks>The "model" is scripted and deterministic; it is a test double, not a language model.</remarks>
public sealed class VllmTestModel
{
    /// <summary>Creates a model entry.</summary>
    /// <param name="id">The served model name (<c>--served-model-name</c>, or a LoRA adapter name).</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or whitespace.</exception>
    public VllmTestModel(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
    }

    /// <summary>Gets the served model name, as it appears in <c>/v1/models</c> and in responses.</summary>
    public string Id { get; }

    /// <summary>Gets or sets the engine's <c>max_model_len</c> (context window in tokens). Default 8192.
    /// A LoRA adapter's card shows <c>null</c>; its limit is the parent's.</summary>
    public int MaxModelLen { get; set; } = 8192;

    /// <summary>Gets or sets the base model of a LoRA adapter; <c>null</c> for a base model.</summary>
    public string? Parent { get; set; }

    /// <summary>Gets or sets the card's <c>root</c> (the <c>--model</c> path or the adapter path); defaults to <see cref="Id"/>.</summary>
    public string? Root { get; set; }

    /// <summary>Gets or sets a value indicating whether the server runs this model with a reasoning parser
    /// (it then emits reasoning before the answer).</summary>
    public bool IsReasoning { get; set; }

    /// <summary>Gets or sets the media the model takes in chat content parts: any of <c>"image"</c>, <c>"audio"</c>,
    /// <c>"video"</c>. <see langword="null"/> (the default) takes all three; an empty list is a text-only model, which
    /// answers a media part as vLLM does (400 <c>&lt;model&gt; is not a multimodal model</c>); a part of a modality not
    /// listed gets vLLM's 400 <c>At most 0 audio(s) may be provided in one prompt.</c></summary>
    public IList<string>? Modalities { get; set; }

    /// <summary>Gets or sets a value indicating whether this is an embedding (pooling) model: it serves
    /// <c>/v1/embeddings</c>, <c>/score</c> and <c>/rerank</c>, not chat.</summary>
    public bool IsEmbedding { get; set; }

    /// <summary>Gets or sets a value indicating whether this is a speech-to-text model (Whisper-like, the transcription task):
    /// it serves <c>/v1/audio/transcriptions</c> and <c>/v1/audio/translations</c>, and neither chat nor completions.</summary>
    public bool IsTranscription { get; set; }

    /// <summary>Gets or sets the embedding size of an embedding model. Default 384.</summary>
    public int EmbeddingDimensions { get; set; } = 384;

    /// <summary>Gets or sets a value indicating whether the embedding model supports Matryoshka
    /// <c>dimensions</c> (any size in [1, <see cref="EmbeddingDimensions"/>] unless <see cref="MatryoshkaDimensions"/> is set).</summary>
    public bool SupportsMatryoshka { get; set; }

    /// <summary>Gets or sets the only Matryoshka sizes the model accepts, or <c>null</c> for any size in range.</summary>
    public IList<int>? MatryoshkaDimensions { get; set; }

    /// <summary>Creates a plain chat model.</summary>
    /// <param name="id">The served model name.</param>
    /// <param name="maxModelLen">The context window in tokens.</param>
    /// <returns>The model entry.</returns>
    public static VllmTestModel Chat(string id, int maxModelLen = 8192) => new(id) { MaxModelLen = maxModelLen };

    /// <summary>Creates a chat model served with a reasoning parser.</summary>
    /// <param name="id">The served model name.</param>
    /// <param name="maxModelLen">The context window in tokens.</param>
    /// <returns>The model entry.</returns>
    public static VllmTestModel Reasoning(string id, int maxModelLen = 8192) => new(id) { MaxModelLen = maxModelLen, IsReasoning = true };

    /// <summary>Creates an embedding model.</summary>
    /// <param name="id">The served model name.</param>
    /// <param name="dimensions">The embedding size.</param>
    /// <param name="supportsMatryoshka">Whether <c>dimensions</c> may be requested.</param>
    /// <returns>The model entry.</returns>
    public static VllmTestModel Embedding(string id, int dimensions = 384, bool supportsMatryoshka = false) =>
        new(id) { IsEmbedding = true, EmbeddingDimensions = dimensions, SupportsMatryoshka = supportsMatryoshka, MaxModelLen = 512 };

    /// <summary>Creates a speech-to-text model (Whisper-like: a 448-token decoder, transcriptions and translations only).</summary>
    /// <param name="id">The served model name.</param>
    /// <returns>The model entry.</returns>
    public static VllmTestModel Transcription(string id) => new(id) { IsTranscription = true, MaxModelLen = 448 };

    /// <summary>Creates a LoRA adapter served on top of <paramref name="parent"/>.</summary>
    /// <param name="id">The adapter name.</param>
    /// <param name="parent">The base model's served name.</param>
    /// <returns>The model entry.</returns>
    public static VllmTestModel LoraAdapter(string id, string parent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parent);
        return new(id) { Parent = parent, Root = "/adapters/" + id };
    }
}
