using System;
using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Embeddings;
using Connectors.Vllm.Errors;
using Connectors.Vllm.Http;
using Microsoft.Extensions.AI;
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
/// sent (vLLM rejects it); it is mapped to <c>use_activation</c>.</para>
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
    private readonly HttpClient _http;
    private readonly HttpClient? _ownedHttpClient;
    private readonly VllmEmbeddingGeneratorOptions _settings;
    private readonly string? _defaultModelId;
    private readonly object _probeLock = new();
    private readonly VllmUnknownKeyReporter _extraKeys;
    private Task<bool>? _bytesSupported;
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
    public VllmEmbeddingGenerator(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
        : this(options, new VllmEmbeddingGeneratorOptions { DefaultModelId = defaultModelId }, httpClient)
    {
    }
#pragma warning restore RS0027

    /// <summary>Initializes a new instance with explicit settings (encoding, batching, default dimensions).</summary>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="generatorOptions">The generator's settings (copied).</param>
    /// <param name="httpClient">The client to send with; <see langword="null"/> creates one with the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="generatorOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A batch size, parallelism or dimension setting is not positive.</exception>
    public VllmEmbeddingGenerator(VllmProviderOptions options, VllmEmbeddingGeneratorOptions generatorOptions, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generatorOptions);
        if (generatorOptions.MaxBatchSize <= 0 || generatorOptions.MaxParallelRequests <= 0 || generatorOptions.Dimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(generatorOptions), "MaxBatchSize, MaxParallelRequests and Dimensions must be positive.");
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
        _defaultModelId = generatorOptions.DefaultModelId is { Length: > 0 } id ? VllmModelRef.ToModelId(id) : null;
        _endpoint = VllmEndpoint.Resolve(options);
        var clientOptions = VllmOpenAIClientFactory.CreateOptions(_endpoint, httpClient, out _ownedHttpClient);
        _http = _ownedHttpClient ?? httpClient!;
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
        var plan = EmbeddingRequestPlan.Create(options, _defaultModelId, _settings);
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
            batches[0] = await SendAsync(plan, inputs, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxParallelRequests, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, batchCount), parallel, async (b, ct) =>
            {
                var start = b * batchSize;
                var slice = new ArraySegment<string>(inputs, start, Math.Min(batchSize, inputs.Length - start));
                batches[b] = await SendAsync(plan, slice, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        return Assemble(batches, plan, inputs.Length);
    }

    /// <inheritdoc />
    /// <remarks>Answers <see cref="EmbeddingGeneratorMetadata"/> (provider <c>"vllm"</c>, base URL, default model, dimensions when
    /// configured or seen), the underlying <see cref="EmbeddingClient"/>, and this instance; <see langword="null"/> otherwise.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            var dimensions = _settings.Dimensions ?? (Volatile.Read(ref _knownDimensions) is > 0 and var seen ? seen : null);
            return new EmbeddingGeneratorMetadata(VllmModelRef.ProviderName, _endpoint.BaseUrl, _defaultModelId, dimensions);
        }

        if (serviceType == typeof(EmbeddingClient))
        {
            return _client;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose() => _ownedHttpClient?.Dispose();

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

    private async Task<EmbeddingBatch> SendAsync(EmbeddingRequestPlan plan, ArraySegment<string> inputs, CancellationToken cancellationToken)
    {
        var body = plan.Write(inputs.AsSpan());

        // Unbuffered: the body is read here, straight into the result arrays (bytes) or once into a pooled buffer (JSON),
        // instead of the pipeline's own copy.
        var requestOptions = new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = false };
        ClientResult result;
        try
        {
            result = await _client.GenerateEmbeddingsAsync(new VllmJsonContent(body), requestOptions).ConfigureAwait(false);
        }
        catch (ClientResultException ex) when (ex.InnerException is not null)
        {
            // Refused connection, DNS failure, or the private-network gate (its VllmException is passed through).
            throw VllmTransportErrors.Translate(ex.InnerException, _endpoint.BaseUrl);
        }
        catch (HttpRequestException ex)
        {
            throw VllmTransportErrors.Translate(ex, _endpoint.BaseUrl);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && VllmErrors.IsConnectTimeout(ex))
        {
            throw VllmErrors.ConnectTimedOut(_endpoint.BaseUrl, _endpoint.Options.ConnectTimeout, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(ex);
        }

        using var response = result.GetRawResponse();
        using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_endpoint.Options.FirstByteTimeout > TimeSpan.Zero)
        {
            bodyTimeout.CancelAfter(_endpoint.Options.FirstByteTimeout);
        }

        var stream = response.ContentStream ?? Stream.Null;
        try
        {
            if (response.IsError)
            {
                var (error, errorLength) = await ReadPooledAsync(stream, 64 * 1024, response, bodyTimeout.Token).ConfigureAwait(false);
                try
                {
                    throw VllmErrors.FromResponse(response.Status, error.AsSpan(0, errorLength), VllmErrorContext.For(_endpoint, plan.Model));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(error);
                }
            }

            if (response.Headers.TryGetValue("Content-Type", out var type) && type is not null && type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                if (!response.Headers.TryGetValue("metadata", out var metadata) || string.IsNullOrEmpty(metadata))
                {
                    throw new VllmException(null, "The server sent binary embeddings without the 'metadata' header.", "A proxy may strip response headers; use VllmEmbeddingEncoding.Base64.");
                }

                var batch = EmbeddingDecoder.ReadBytesMetadata(Encoding.UTF8.GetBytes(metadata), inputs.Count, ContentLength(response), out var layout);
                await EmbeddingDecoder.FillFromStreamAsync(stream, layout, batch.Vectors, bodyTimeout.Token).ConfigureAwait(false);
                return batch;
            }

            var (json, length) = await ReadPooledAsync(stream, _endpoint.Options.MaxResponseBytes, response, bodyTimeout.Token).ConfigureAwait(false);
            try
            {
                return EmbeddingDecoder.ReadJson(json.AsSpan(0, length), inputs.Count, plan.DType ?? VllmEmbedDType.Float32);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(json);
            }
        }
        catch (JsonException ex)
        {
            throw new VllmException(null, $"The server's embeddings answer is not valid JSON ({ex.Message}).", "Check that BaseUrl points at a vLLM (or OpenAI-compatible) server.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(ex);
        }
        catch (IOException ex)
        {
            throw new VllmException(null, $"The connection broke while the embeddings answer was arriving ({ex.Message}).", "Retry the request; if it repeats, check the vLLM server log.", ex);
        }
    }

    private VllmException Timeout(Exception inner)
        => new(
            null,
            $"No complete answer from {_endpoint.BaseUrl} within {_endpoint.Options.FirstByteTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
            "The server is busy or stuck; raise Vllm:FirstByteTimeout, lower MaxBatchSize, or check the vLLM server log.",
            inner);

    private static long? ContentLength(PipelineResponse response)
        => response.Headers.TryGetValue("Content-Length", out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

    /// <summary>Reads the whole body into one pooled buffer (sized from Content-Length when known); the caller returns it.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadPooledAsync(Stream stream, long limit, PipelineResponse response, CancellationToken cancellationToken)
    {
        var known = ContentLength(response);
        if (known > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1024, (known ?? 64 * 1024) + 1));
        var used = 0;
        try
        {
            while (true)
            {
                if (used == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, used).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(used), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, used);
                }

                used += read;
                if (used > limit)
                {
                    throw TooLarge(limit);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static VllmException TooLarge(long limit)
        => new(null, $"The embeddings answer is larger than {limit.ToString(CultureInfo.InvariantCulture)} bytes.", "Lower MaxBatchSize, or raise Vllm:MaxResponseBytes.");

    /// <summary>Whether the server is new enough for <c>encoding_format: "bytes"</c>: asks <c>/version</c> once; unknown means yes.</summary>
    private Task<bool> BytesSupportedAsync(CancellationToken cancellationToken)
    {
        lock (_probeLock)
        {
            if (_bytesSupported is null || _bytesSupported.IsCanceled)
            {
                _bytesSupported = ProbeBytesAsync(cancellationToken);
            }

            return _bytesSupported;
        }
    }

    private async Task<bool> ProbeBytesAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.AtRoot("/version"));
            _endpoint.Apply(request);
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return true;
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var version = ParseVersion(bytes);
            return version is null || version >= MinBytesVersion;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return true; // Unknown version: allow bytes; a server that cannot do it answers JSON or an error.
        }
    }

    /// <summary>Reads <c>{"version":"0.27.2.dev5+gabc"}</c> as 0.27.2; <see langword="null"/> when it is not a vLLM version.</summary>
    internal static Version? ParseVersion(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        if (!document.RootElement.TryGetProperty("version", out var element) || element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = element.GetString()!;
        var parts = new int[3];
        var part = 0;
        var i = 0;
        while (part < 3 && i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || !int.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out parts[part]))
            {
                break;
            }

            part++;
            if (i >= text.Length || text[i] != '.')
            {
                break;
            }

            i++;
        }

        return part >= 2 ? new Version(parts[0], parts[1], parts[2]) : null;
    }
}
