using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Baseline;

/// <summary>
/// The floor for /v1/embeddings in each encoding: HttpClient, body read into a reused buffer,
/// Utf8JsonReader (float JSON: GetSingle per value; base64: Base64.DecodeFromUtf8 straight into the
/// float[]), or for vLLM "bytes" the octet-stream body sliced by the <c>metadata</c> header.
/// Little-endian hosts only (as vLLM's default "native" on x86-64/ARM64).
/// </summary>
internal sealed class RawEmbeddingClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly AuthenticationHeaderValue _auth = new("Bearer", BenchInputs.ApiKey);
    private byte[] _buffer = new byte[1 << 20]; // grown once, reused: the floor keeps its receive buffer

    public RawEmbeddingClient(Uri v1)
    {
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        _url = new Uri(v1.AbsoluteUri.TrimEnd('/') + "/embeddings");
    }

    public void Dispose() => _http.Dispose();

    public async Task<float[][]> EmbedAsync(string model, IReadOnlyList<string> inputs, string encodingFormat, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(model, inputs, encodingFormat);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var length = await ReadAllAsync(stream, cancellationToken).ConfigureAwait(false);
        if (encodingFormat == "bytes")
        {
            var metadata = response.Headers.TryGetValues("metadata", out var values) ? values.First() : throw new InvalidDataException("no metadata header");
            return SliceBytes(_buffer.AsSpan(0, length), metadata, inputs.Count);
        }

        return ParseJson(_buffer.AsSpan(0, length), inputs.Count);
    }

    private HttpRequestMessage CreateRequest(string model, IReadOnlyList<string> inputs, string encodingFormat)
    {
        var buffer = new ArrayBufferWriter<byte>(inputs.Count * 32 + 128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("input"u8);
            foreach (var input in inputs)
            {
                w.WriteStringValue(input);
            }

            w.WriteEndArray();
            w.WriteString("model"u8, model);
            w.WriteString("encoding_format"u8, encodingFormat);
            w.WriteEndObject();
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = content };
        request.Headers.Authorization = _auth;
        return request;
    }

    private static float[][] ParseJson(ReadOnlySpan<byte> body, int count)
    {
        var result = new float[count][];
        var scratch = new List<float>(4096);
        var reader = new Utf8JsonReader(body);
        var index = -1;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("embedding"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    // base64 of little-endian float32: decode straight into the float[].
                    ReadOnlySpan<byte> b64 = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
                    var vector = new float[Base64.GetMaxDecodedFromUtf8Length(b64.Length) / sizeof(float)];
                    var status = Base64.DecodeFromUtf8(b64, MemoryMarshal.AsBytes(vector.AsSpan()), out _, out var written);
                    if (status != OperationStatus.Done)
                    {
                        throw new InvalidDataException("bad base64 embedding");
                    }

                    result[index] = written == vector.Length * sizeof(float) ? vector : vector.AsSpan(0, written / sizeof(float)).ToArray();
                }
                else
                {
                    scratch.Clear();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        scratch.Add(reader.GetSingle());
                    }

                    result[index] = scratch.ToArray();
                }
            }
        }

        return result;
    }

    private static float[][] SliceBytes(ReadOnlySpan<byte> body, string metadata, int count)
    {
        var result = new float[count][];
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(metadata));
        int index = -1, start = 0, end = 0;
        var inData = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    inData = true;
                }
                else if (inData && reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    index = reader.GetInt32();
                }
                else if (inData && reader.ValueTextEquals("start"u8))
                {
                    reader.Read();
                    start = reader.GetInt32();
                }
                else if (inData && reader.ValueTextEquals("end"u8))
                {
                    reader.Read();
                    end = reader.GetInt32();
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    inData = false;
                }
            }
            else if (inData && reader.TokenType == JsonTokenType.EndObject && index >= 0)
            {
                result[index] = MemoryMarshal.Cast<byte, float>(body[start..end]).ToArray();
                index = -1;
            }
        }

        return result;
    }

    /// <summary>Reads the whole body into the reused buffer (not thread-safe: one call at a time per instance).</summary>
    private async Task<int> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var n = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return length;
            }

            length += n;
        }
    }
}
