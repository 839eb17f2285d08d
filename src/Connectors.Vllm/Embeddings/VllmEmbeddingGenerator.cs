using System.IO;
using System.Linq;
using System.Text;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Embeddings;
using Connectors.Vllm.Pipeline;
using EmbeddingClient = OpenAI.Embeddings.EmbeddingClient;

namespace Connectors.Vllm;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for vLLM's <c>/v1/embeddings</c> (and other OpenAI-compatible
/// servers), built on the OpenAI SDK's <see cref="EmbeddingClient"/> pipeline (payload policy, retries, private-network gate).
/// </summary>
/// <remarks>
/// <para><b>Wire.</b> Vectors travel as base64 by default and are decoded straight into each <see cref="Embedding{T}.Vector"/>'s
/// array. <see cref="VllmEmbeddingEncoding.Bytes"/> (opt-in) uses vLLM's binary answer, optionally with a 16-bit
/// <see cref="VllmEmbedDType"/> to halve what travels. <see cref="EmbeddingGenerationOptions.Dimensions"/> becomes
/// <c>dimensions</c>; vLLM's extras travel in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> under their wire names
/// (set them with <see cref="VllmEmbeddingGenerationOptionsExtensions"/>). <c>normalize</c> is never
/// sent (vLLM rejects it); it is mapped to <c>use_activation</c>. <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/>
/// is honoured as in Microsoft.Extensions.AI's OpenAI generator: the OpenAI SDK options it returns (<c>Dimensions</c>,
/// <c>EndUserId</c>, and any field set in their <c>Patch</c>, e.g. one of a vLLM newer than this library) win over the same
/// field given elsewhere; the vLLM fields above are checked as in <c>AdditionalProperties</c>.</para>
/// <para><b>Batching.</b> Inputs beyond <see cref="VllmEmbeddingGeneratorOptions.MaxBatchSize"/> are split into batches sent with at
/// most <see cref="VllmEmbeddingGeneratorOptions.MaxParallelRequests"/> in flight; results keep input order and usage is summed.</para>
/// <para>Thread-safe; one instance can serve concurrent calls. Disposing it releases the <see cref="HttpClient"/> it created
/// (never one passed in).</para>
/// </remarks>
public sealed class VllmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>vLLM gained <c>encoding_format: "bytes"</c> (with the <c>metadata</c> header) in PR #27066, first released in 0.11.1.</summary>
    internal static readonly Version MinBytesVersion = new(0, 11, 1);

    /// <summary>The <c>metadata</c> header lists every vector; keep it well under HttpClient's 64 KB response-header limit.</summary>
    internal const int MaxBytesBatchSize = 256;

    private const string PlaceholderModel = "default";

    private readonly VllmEndpoint _endpoint;
    private readonly EmbeddingClient _client;
    private readonly VllmTransport _transport;
    private readonly VllmServerFacts _facts;
    private readonly VllmEmbeddingGeneratorOptions _settings;
    private readonly string? _defaultModelId;
    private readonly VllmUnknownKeyReporter _extraKeys;
    private int _knownDimensions;

    // RS0027: this constructor's signature is the pinned public contract; the settings overload has as many
    // parameters but none optional, so no call can be ambiguous.
#pragma warning disable RS0027
    /// <summary>Initializes a new instance with the default settings.</summary>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="defaultModelId">The model used when a request names none; <see langword="null"/> lets the server pick its first
    /// served model. A <c>vllm/</c> prefix is removed.</param>
    /// <param name="httpClient">The client to send with; <see langword="null"/> creates one with the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    public VllmEmbeddingGenerator(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
        : this(options, new VllmEmbeddingGeneratorOptions { DefaultModelId = VllmNativeRouteClient.CheckDefaultModelId(defaultModelId) }, httpClient)
    {
    }
#pragma warning restore RS0027

    /// <summary>Initializes a new instance with explicit settings (encoding, batching, default dimensions).</summary>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="generatorOptions">The generator's settings (copied).</param>
    /// <param name="httpClient">The client to send with; <see langword="null"/> creates one with the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="generatorOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A batch size, parallelism or dimension setting is not positive.</exception>
    /// <exception cref="ArgumentException"><see cref="VllmEmbeddingGeneratorOptions.DefaultModelId"/> is empty or white space.</exception>
    public VllmEmbeddingGenerator(VllmProviderOptions options, VllmEmbeddingGeneratorOptions generatorOptions, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generatorOptions);
        if (generatorOptions.MaxBatchSize <= 0 || generatorOptions.MaxParallelRequests <= 0 || generatorOptions.Dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(generatorOptions), "MaxBatchSize, MaxParallelRequests and Dimensions must be positive.");
        }

        if (generatorOptions.DefaultModelId is { } model && string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException(
                "DefaultModelId is empty or white space: set a served model's id, or leave it null to use the server's first served model.",
                nameof(generatorOptions));
        }

        _settings = new VllmEmbeddingGeneratorOptions
        {
            DefaultModelId = generatorOptions.DefaultModelId,
            Dimensions = generatorOptions.Dimensions,
            Encoding = generatorOptions.Encoding,
            EmbedDType = generatorOptions.EmbedDType,
            MaxBatchSize = generatorOptions.MaxBatchSize,
            MaxParallelRequests = generatorOptions.MaxParallelRequests,
        };
        _defaultModelId = VllmNativeRouteClient.CheckDefaultModelId(generatorOptions.DefaultModelId);
        _endpoint = VllmEndpoint.Resolve(options);
        _transport = new VllmTransport(_endpoint, httpClient);
        _facts = new VllmServerFacts(options, _transport);
        var clientOptions = VllmOpenAIClientFactory.CreateOptions(_transport);
        _client = new EmbeddingClient(_defaultModelId ?? PlaceholderModel, VllmOpenAIClientFactory.CreateCredential(_endpoint), clientOptions);
        _extraKeys = VllmUnknownKeyReporter.ForEmbeddings(_endpoint.Logger, EmbeddingRequestPlan.FieldNames);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An input is <see langword="null"/>, or a vLLM option has a value vLLM does not accept.</exception>
    /// <exception cref="VllmException">The server failed, could not be reached, or answered in an unexpected shape.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as string[] ?? values.ToArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"Input {i} is null.", nameof(values));
            }
        }

        _extraKeys.Report(options?.AdditionalProperties);
        var plan = EmbeddingRequestPlan.Create(options, _defaultModelId, _settings, this);
        var call = VllmCallHeaders.For(options?.AdditionalProperties);
        if (inputs.Length == 0)
        {
            return [];
        }

        if (plan.Encoding == VllmEmbeddingEncoding.Bytes && !await BytesSupportedAsync(cancellationToken).ConfigureAwait(false))
        {
            plan.Encoding = VllmEmbeddingEncoding.Base64;
        }

        var batchSize = plan.Encoding == VllmEmbeddingEncoding.Bytes ? Math.Min(_settings.MaxBatchSize, MaxBytesBatchSize) : _settings.MaxBatchSize;
        var batchCount = (inputs.Length + batchSize - 1) / batchSize;
        var batches = new EmbeddingBatch[batchCount];
        if (batchCount == 1)
        {
            batches[0] = await SendAsync(plan, inputs, call, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxParallelRequests, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, batchCount), parallel, async (b, ct) =>
            {
                var start = b * batchSize;
                var slice = new ArraySegment<string>(inputs, start, Math.Min(batchSize, inputs.Length - start));
                batches[b] = await SendAsync(plan, slice, call.ForPart(b), ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        return Assemble(batches, plan, inputs.Length);
    }

    /// <inheritdoc />
    /// <remarks>Answers <see cref="EmbeddingGeneratorMetadata"/> (provider <c>"vllm"</c>, base URL, default model, dimensions when
    /// configured or seen), the underlying <see cref="EmbeddingClient"/>, and this instance; <see langword="null"/> otherwise.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType is null ? throw new ArgumentNullException(nameof(serviceType)) :
        serviceKey is not null ? null :
        serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata() :
        serviceType == typeof(EmbeddingClient) ? _client :
        serviceType.IsInstanceOfType(this) ? this :
        null;

    /// <summary>The metadata as of now: the dimensions are the configured ones, else the ones the server has answered with.</summary>
    private EmbeddingGeneratorMetadata Metadata()
        => new(VllmModelRef.ProviderName, _endpoint.BaseUrl, _defaultModelId,
            _settings.Dimensions ?? (Volatile.Read(ref _knownDimensions) is > 0 and var seen ? seen : null));

    /// <inheritdoc />
    public void Dispose()
    {
        _facts.Dispose();
        _transport.Dispose();
    }

    private GeneratedEmbeddings<Embedding<float>> Assemble(EmbeddingBatch[] batches, EmbeddingRequestPlan plan, int count)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>(count);
        long prompt = 0, total = 0;
        var sawUsage = false;
        foreach (var batch in batches)
        {
            DateTimeOffset? created = batch.Created is { } seconds and >= -62135596800 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            var model = batch.Model ?? plan.Model;
            foreach (var vector in batch.Vectors)
            {
                result.Add(new Embedding<float>(vector) { ModelId = model, CreatedAt = created });
            }

            if (batch.PromptTokens is not null || batch.TotalTokens is not null)
            {
                sawUsage = true;
                prompt += batch.PromptTokens ?? 0;
                total += batch.TotalTokens ?? batch.PromptTokens ?? 0;
            }
        }

        if (sawUsage)
        {
            result.Usage = new UsageDetails { InputTokenCount = prompt, TotalTokenCount = total };
        }

        if (plan.Dimensions is null && _settings.Dimensions is null && result.Count > 0)
        {
            Volatile.Write(ref _knownDimensions, result[0].Vector.Length);
        }

        return result;
    }

    /// <summary>Sends one batch. <paramref name="call"/> carries the call's headers; each batch of a call has its own request
    /// id (the call's, then <c>-1</c>, <c>-2</c>, … for the others), so that no two requests in flight share one.</summary>
    private async Task<EmbeddingBatch> SendAsync(EmbeddingRequestPlan plan, ArraySegment<string> inputs, VllmRequestHeaders call, CancellationToken cancellationToken)
    {
        var body = plan.Write(inputs.AsSpan());

        // Unbuffered: the body is read here, straight into the result arrays (bytes) or once into a pooled buffer (JSON),
        // instead of the pipeline's own copy.
        var requestOptions = new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = false };
        call.AddTo(requestOptions, _endpoint);
        ClientResult result;
        try
        {
            result = await _client.GenerateEmbeddingsAsync(new VllmJsonContent(body), requestOptions).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && VllmErrors.FromSendFailure(ex, _endpoint, "POST", _endpoint.Under("embeddings"), call.RequestId) is { } failure)
        {
            throw failure;
        }

        using var response = result.GetRawResponse();
        try
        {
            if (response.IsError)
            {
                using var error = await VllmBodyReader.ReadAsync(response, VllmBodyReader.MaxErrorBodyBytes, _endpoint, cancellationToken, truncate: true, pooled: true).ConfigureAwait(false);
                throw VllmErrors.FromResponse(response, error.Memory.Span, VllmErrorContext.For(_endpoint, plan.Model), call.RequestId);
            }

            if (response.Headers.TryGetValue("Content-Type", out var type) && type is not null && type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                if (!response.Headers.TryGetValue("metadata", out var metadata) || string.IsNullOrEmpty(metadata))
                {
                    throw new VllmException(null, "The server sent binary embeddings without the 'metadata' header.", "A proxy may strip response headers; use VllmEmbeddingEncoding.Base64.");
                }

                var batch = EmbeddingDecoder.ReadBytesMetadata(Encoding.UTF8.GetBytes(metadata), inputs.Count, VllmBodyReader.ContentLength(response), out var layout);
                await EmbeddingDecoder.FillFromStreamAsync(response.ContentStream ?? Stream.Null, layout, batch.Vectors, cancellationToken).ConfigureAwait(false);
                return batch;
            }

            using var json = await VllmBodyReader.ReadAsync(response, _endpoint.Options.MaxResponseBytes, _endpoint, cancellationToken, pooled: true).ConfigureAwait(false);
            if (json.TooLarge)
            {
                throw VllmErrors.BodyTooLarge("The embeddings answer", _endpoint.Options.MaxResponseBytes, "MaxResponseBytes", $"Lower MaxBatchSize, or raise {_endpoint.Setting("MaxResponseBytes")}.");
            }

            return EmbeddingDecoder.ReadJson(json.Memory.Span, inputs.Count, plan.DType ?? VllmEmbedDType.Float32);
        }
        catch (JsonException ex)
        {
            throw new VllmException(null, $"The server's embeddings answer is not valid JSON ({ex.Message}).", "Check that BaseUrl points at a vLLM (or OpenAI-compatible) server.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw VllmErrors.BodyBroken(null, "no data within FirstByteTimeout", ex, _endpoint.Setting("FirstByteTimeout"));
        }
        catch (IOException ex)
        {
            throw VllmErrors.BodyBroken(null, ex.Message, ex, _endpoint.Setting("FirstByteTimeout"));
        }
    }

    /// <summary>Whether the server is new enough for <c>encoding_format: "bytes"</c>, from the server facts (<c>/version</c>
    /// through <see cref="VllmModelDiscovery"/>, cached); an unknown version means yes (a server that cannot do it answers
    /// JSON or an error).</summary>
    private async ValueTask<bool> BytesSupportedAsync(CancellationToken cancellationToken)
    {
        if (await _facts.TryGetServerInfoAsync(cancellationToken).ConfigureAwait(false) is not { } info)
        {
            return true;
        }

        return info.Version is null || info.IsAtLeast(MinBytesVersion.Major, MinBytesVersion.Minor, MinBytesVersion.Build);
    }
}
