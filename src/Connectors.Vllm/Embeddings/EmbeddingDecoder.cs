using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO;
using System.Runtime.InteropServices;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm.Embeddings;

/// <summary>
/// Reads vLLM's embedding answers straight into the result arrays: the JSON answer with a single
/// <see cref="Utf8JsonReader"/> pass (base64 strings are decoded by <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>
/// directly into each <c>float[]</c>'s bytes; float arrays, if a server sends them, are parsed in place), and the binary
/// <c>bytes</c> answer by slicing the body as the <c>metadata</c> header describes. No intermediate lists or strings.
/// </summary>
internal static class EmbeddingDecoder
{
    /// <summary>Reads an <c>/v1/embeddings</c> JSON answer for <paramref name="count"/> inputs.</summary>
    /// <param name="json">The body.</param>
    /// <param name="count">How many inputs the batch had.</param>
    /// <param name="dtype">The element type base64 strings carry (what the request asked for).</param>
    public static EmbeddingBatch ReadJson(ReadOnlySpan<byte> json, int count, VllmEmbedDType dtype)
    {
        var batch = new EmbeddingBatch(new float[count][]);
        ReadEnvelope(json, batch, (batch.Vectors, dtype), static (ref Utf8JsonReader reader, (float[][] Vectors, VllmEmbedDType DType) state) =>
            ReadItem(ref reader, state.Vectors, state.DType));
        CheckComplete(batch.Vectors);
        return batch;
    }

    /// <summary>Reads one item of the <c>data</c> array; <typeparamref name="TState"/> carries what it needs, so the
    /// callers' lambdas stay static (no closure per answer).</summary>
    private delegate void DataItemReader<TState>(ref Utf8JsonReader reader, TState state);

    /// <summary>The object both answers share (the JSON body and the bytes answer's <c>metadata</c> header): each
    /// <c>data</c> item goes to <paramref name="readItem"/>, the other fields into <paramref name="batch"/>.</summary>
    private static void ReadEnvelope<TState>(ReadOnlySpan<byte> json, EmbeddingBatch batch, TState state, DataItemReader<TState> readItem)
    {
        var reader = new Utf8JsonReader(json);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    readItem(ref reader, state);
                }
            }
            else
            {
                ReadCommonField(ref reader, batch);
            }
        }
    }

    /// <summary>The fields the JSON body and the bytes answer's <c>metadata</c> header share (model, created, usage);
    /// anything else is skipped.</summary>
    private static void ReadCommonField(ref Utf8JsonReader reader, EmbeddingBatch batch)
    {
        if (reader.ValueTextEquals("model"u8))
        {
            batch.Model = VllmJsonValue.String(ref reader);
        }
        else if (reader.ValueTextEquals("created"u8))
        {
            reader.Read();
            batch.Created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null;
        }
        else if (reader.ValueTextEquals("usage"u8))
        {
            reader.Read();
            var usage = VllmUsageCounts.Read(ref reader);
            batch.PromptTokens = usage.Prompt;
            batch.TotalTokens = usage.Total;
        }
        else
        {
            reader.Read();
            reader.Skip();
        }
    }

    /// <summary>Reads vLLM's <c>encoding_format: "bytes"</c> answer held in memory: raw vectors in the body, layout in the <c>metadata</c> header.</summary>
    public static EmbeddingBatch ReadBytes(ReadOnlySpan<byte> body, ReadOnlySpan<byte> metadata, int count)
    {
        var batch = ReadBytesMetadata(metadata, count, body.Length, out var layout);
        foreach (var item in layout)
        {
            var vector = new float[item.Elements];
            DecodeRaw(body[item.Start..item.End], item.DType, item.BigEndian, vector);
            Place(batch.Vectors, item.Index, vector);
        }

        CheckComplete(batch.Vectors);
        return batch;
    }

    /// <summary>Parses the <c>metadata</c> header of a bytes answer: usage and model into the batch, each vector's place in the
    /// body into <paramref name="layout"/>, sorted by offset (so the body can be read front to back, straight into the arrays).</summary>
    public static EmbeddingBatch ReadBytesMetadata(ReadOnlySpan<byte> metadata, int count, long? bodyLength, out List<BinaryItem> layout)
    {
        var batch = new EmbeddingBatch(new float[count][]);
        layout = new List<BinaryItem>(count);
        ReadEnvelope(metadata, batch, (layout, bodyLength), static (ref Utf8JsonReader reader, (List<BinaryItem> Layout, long? BodyLength) state) =>
            state.Layout.Add(ReadBinaryItem(ref reader, state.BodyLength)));
        if (layout.Count != count)
        {
            throw Malformed($"{layout.Count} vectors for a batch of {count} inputs");
        }

        layout.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < layout.Count; i++)
        {
            if (layout[i].Start < layout[i - 1].End)
            {
                throw Malformed("overlapping vectors in the binary body");
            }
        }

        return batch;
    }

    /// <summary>Reads a bytes answer's body front to back, each vector straight into its result array (float32 on a
    /// little-endian machine: no intermediate buffer at all).</summary>
    public static async Task FillFromStreamAsync(Stream body, List<BinaryItem> layout, float[][] vectors, CancellationToken cancellationToken)
    {
        long position = 0;
        byte[]? scratch = null;
        try
        {
            foreach (var item in layout)
            {
                await SkipAsync(body, item.Start - position, cancellationToken).ConfigureAwait(false);
                var vector = new float[item.Elements];
                var length = item.End - item.Start;
                // Through a small reused buffer (a stream cannot read into a float[] without unsafe pinning code): the copy
                // stays in cache and no body-sized buffer is ever allocated.
                scratch ??= ArrayPool<byte>.Shared.Rent(64 * 1024);
                var size = ElementSize(item.DType);
                var chunkBytes = scratch.Length / size * size;
                var done = 0;
                while (done < length)
                {
                    var chunk = Math.Min(chunkBytes, length - done);
                    await ReadExactlyAsync(body, scratch.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
                    DecodeRaw(scratch.AsSpan(0, chunk), item.DType, item.BigEndian, vector.AsSpan(done / size, chunk / size));
                    done += chunk;
                }

                position = item.End;
                Place(vectors, item.Index, vector);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        CheckComplete(vectors);
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new VllmException(null, "The binary embeddings body ended before every vector arrived.", "The connection was cut; retry the request.", ex);
        }
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 81920));
        try
        {
            while (count > 0)
            {
                var chunk = (int)Math.Min(count, buffer.Length);
                await ReadExactlyAsync(stream, buffer.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
                count -= chunk;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Converts raw little- or big-endian elements of <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void DecodeRaw(ReadOnlySpan<byte> raw, VllmEmbedDType dtype, bool bigEndian, Span<float> destination)
    {
        switch (dtype)
        {
            case VllmEmbedDType.Float32:
                if (bigEndian == !BitConverter.IsLittleEndian)
                {
                    raw.CopyTo(MemoryMarshal.AsBytes(destination));
                }
                else
                {
                    for (var i = 0; i < destination.Length; i++)
                    {
                        var bits = MemoryMarshal.Read<int>(raw.Slice(i * 4, 4));
                        destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(bits));
                    }
                }

                break;
            case VllmEmbedDType.Float16:
                for (var i = 0; i < destination.Length; i++)
                {
                    var slot = raw.Slice(i * 2, 2);
                    destination[i] = (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(slot) : BinaryPrimitives.ReadHalfLittleEndian(slot));
                }

                break;
            case VllmEmbedDType.BFloat16:
                for (var i = 0; i < destination.Length; i++)
                {
                    var slot = raw.Slice(i * 2, 2);
                    var upper = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(slot) : BinaryPrimitives.ReadUInt16LittleEndian(slot);
                    destination[i] = BitConverter.Int32BitsToSingle(upper << 16);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }

    public static int ElementSize(VllmEmbedDType dtype) => dtype == VllmEmbedDType.Float32 ? 4 : 2;

    private static void ReadItem(ref Utf8JsonReader reader, float[][] vectors, VllmEmbedDType dtype)
    {
        var index = -1;
        float[]? vector = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out index));
            }
            else if (reader.ValueTextEquals("embedding"u8))
            {
                reader.Read();
                vector = reader.TokenType switch
                {
                    JsonTokenType.String => DecodeBase64(ref reader, dtype),
                    JsonTokenType.StartArray => ReadFloatArray(ref reader),
                    _ => throw Malformed("an embedding that is neither a base64 string nor a number array"),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Place(vectors, index, vector);
    }

    private static BinaryItem ReadBinaryItem(ref Utf8JsonReader reader, long? bodyLength)
    {
        int index = -1, start = -1, end = -1;
        long elements = 1;
        var dtype = VllmEmbedDType.Float32;
        var bigEndian = !BitConverter.IsLittleEndian;
        var sawShape = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                Expect(reader.TryGetInt32(out index));
            }
            else if (reader.ValueTextEquals("start"u8))
            {
                reader.Read();
                Expect(reader.TryGetInt32(out start));
            }
            else if (reader.ValueTextEquals("end"u8))
            {
                reader.Read();
                Expect(reader.TryGetInt32(out end));
            }
            else if (reader.ValueTextEquals("embed_dtype"u8))
            {
                reader.Read();
                dtype = reader.ValueTextEquals("float32"u8) ? VllmEmbedDType.Float32
                    : reader.ValueTextEquals("float16"u8) ? VllmEmbedDType.Float16
                    : reader.ValueTextEquals("bfloat16"u8) ? VllmEmbedDType.BFloat16
                    : throw Malformed($"embed_dtype '{reader.GetString()}', which this client cannot decode");
            }
            else if (reader.ValueTextEquals("endianness"u8))
            {
                reader.Read();
                // "native" is the server's byte order: little-endian on every x86-64 and ARM64 server vLLM runs on.
                bigEndian = reader.ValueTextEquals("big"u8);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    elements *= reader.GetInt64();
                }

                sawShape = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var size = ElementSize(dtype);
        if (start < 0 || end < start || (bodyLength is { } length && end > length) || (sawShape && elements * size != end - start) || (end - start) % size != 0)
        {
            throw Malformed($"item {index} spanning bytes {start}..{end} of a {bodyLength?.ToString(CultureInfo.InvariantCulture) ?? "streamed"} body");
        }

        return new BinaryItem(index, start, end, (end - start) / size, dtype, bigEndian);
    }

    private static float[] DecodeBase64(ref Utf8JsonReader reader, VllmEmbedDType dtype)
    {
        byte[]? unescaped = null;
        var text = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            // Only a JSON encoder that escapes '/' produces this; vLLM's does not.
            unescaped = ArrayPool<byte>.Shared.Rent(text.Length);
            text = unescaped.AsSpan(0, reader.CopyString(unescaped));
        }

        try
        {
            if (text.Length % 4 != 0)
            {
                throw Malformed("a base64 embedding whose length is not a multiple of 4");
            }

            var padding = text.Length == 0 ? 0 : text[^1] != '=' ? 0 : text[^2] == '=' ? 2 : 1;
            var byteCount = (text.Length / 4 * 3) - padding;
            var size = ElementSize(dtype);
            if (byteCount % size != 0)
            {
                throw Malformed($"a base64 embedding of {byteCount} bytes, not a whole number of {EmbeddingRequestPlan.DTypeName(dtype)} values");
            }

            var vector = new float[byteCount / size];
            if (dtype == VllmEmbedDType.Float32 && BitConverter.IsLittleEndian)
            {
                // The fast path: base64 → the float array's own bytes, one vectorized pass, nothing in between.
                Decode(text, MemoryMarshal.AsBytes(vector.AsSpan()), byteCount);
                return vector;
            }

            var raw = ArrayPool<byte>.Shared.Rent(byteCount);
            try
            {
                Decode(text, raw.AsSpan(0, byteCount), byteCount);
                DecodeRaw(raw.AsSpan(0, byteCount), dtype, bigEndian: false, vector);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(raw);
            }

            return vector;
        }
        finally
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private static void Decode(ReadOnlySpan<byte> base64, Span<byte> destination, int expected)
    {
        var status = Base64.DecodeFromUtf8(base64, destination, out _, out var written);
        if (status != OperationStatus.Done || written != expected)
        {
            throw Malformed("an embedding that is not valid base64");
        }
    }

    private static float[] ReadFloatArray(ref Utf8JsonReader reader)
    {
        var buffer = ArrayPool<float>.Shared.Rent(1024);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (count == buffer.Length)
                {
                    var bigger = ArrayPool<float>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<float>.Shared.Return(buffer);
                    buffer = bigger;
                }

                buffer[count++] = reader.GetSingle();
            }

            Expect(reader.TokenType == JsonTokenType.EndArray);
            return buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private static void Place(float[][] vectors, int index, float[]? vector)
    {
        if (vector is null || (uint)index >= (uint)vectors.Length || vectors[index] is not null)
        {
            throw Malformed(vector is null ? "an item without an embedding" : $"index {index} for a batch of {vectors.Length} inputs");
        }

        vectors[index] = vector;
    }

    private static void CheckComplete(float[][] vectors)
    {
        for (var i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is null)
            {
                throw Malformed($"no embedding for input {i} of {vectors.Length}");
            }
        }
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw Malformed("an unexpected JSON shape");
        }
    }

    private static VllmException Malformed(string what)
        => new(null, $"The server's embeddings answer has {what}.", "Check that BaseUrl points at a vLLM (or OpenAI-compatible) server and that the served model is an embedding model.");
}
