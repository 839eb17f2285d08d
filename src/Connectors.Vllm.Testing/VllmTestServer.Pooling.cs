using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server;

namespace Connectors.Vllm.Testing;

/// <content>Pooling routes: /v1/embeddings, /score, /rerank.</content>
public sealed partial class VllmTestServer
{
    private async Task EmbeddingsAsync(RequestState state, JsonObject body)
    {
        var ctx = state.Context;
        CheckTypes(body);
        if (_version.RejectsNormalize && body.ContainsKey("normalize"))
        {
            throw VllmProblem.Check("Parameter `normalize` was removed; use `use_activation` instead.", "normalize", appendParameter: false);
        }

        if (Options.Strict)
        {
            var accepted = new HashSet<string>(ChatFields.EmbeddingFields, StringComparer.Ordinal);
            if (!_version.AcceptsEmbedDtype)
            {
                accepted.Remove("embed_dtype");
            }

            if (!_version.RejectsNormalize)
            {
                accepted.Add("normalize");
            }

            foreach (var (name, _) in body)
            {
                if (!accepted.Contains(name))
                {
                    throw StrictReject(name, $"Request field `{name}`");
                }
            }
        }

        var format = StringField(body, "encoding_format") ?? "float";
        var formats = _version.AcceptsBytesOnly ? new[] { "float", "base64", "bytes", "bytes_only" } : new[] { "float", "base64", "bytes" };
        if (!formats.Contains(format))
        {
            throw VllmProblem.Validation("literal_error", new[] { "body", "encoding_format" },
                "Input should be " + string.Join(", ", formats.Take(formats.Length - 1).Select(f => "'" + f + "'")) + " or '" + formats[^1] + "'", PyText.Repr(body["encoding_format"]));
        }

        var dtype = StringField(body, "embed_dtype") ?? "float32";
        if (dtype is not ("float32" or "float16" or "bfloat16" or "fp8_e4m3" or "fp8_e5m2"))
        {
            throw VllmProblem.Validation("literal_error", new[] { "body", "embed_dtype" },
                "Input should be 'float32', 'float16', 'bfloat16', 'fp8_e4m3' or 'fp8_e5m2'", PyText.Repr(body["embed_dtype"]));
        }

        var bigEndian = StringField(body, "endianness") == "big";
        var model = ResolveModel(body, embedding: true, paramModel: false);
        CheckTruncation(body, MaxModelLen(model));
        var inputs = EmbeddingInputs(body);
        var dims = model.EmbeddingDimensions;
        if (IntField(body, "dimensions") is { } requestedDims)
        {
            var d = requestedDims.ToString(CultureInfo.InvariantCulture);
            if (!model.SupportsMatryoshka)
            {
                throw VllmProblem.Check($"Model '{model.Id}' does not support Matryoshka embeddings; dimensions must be unset (received dimensions={d}).", null);
            }

            if (model.MatryoshkaDimensions is { Count: > 0 } allowed && !allowed.Contains((int)requestedDims))
            {
                throw VllmProblem.Check($"Model '{model.Id}' only supports Matryoshka dimensions [{string.Join(", ", allowed)}], got {d}.", null);
            }

            if (requestedDims < 1 || requestedDims > model.EmbeddingDimensions)
            {
                throw VllmProblem.Check($"Model '{model.Id}' only supports dimensions in range [1, {model.EmbeddingDimensions.ToString(CultureInfo.InvariantCulture)}], got {d}.", null);
            }

            dims = (int)requestedDims;
        }

        var promptTokens = 0;
        var vectors = new List<float[]>();
        foreach (var text in inputs)
        {
            var count = _tokenizer.Count(text) + 2; // BOS and EOS, as BERT-style encoders add
            if (count > MaxModelLen(model))
            {
                throw VllmProblem.Check(
                    $"This model's maximum context length is {MaxModelLen(model).ToString(CultureInfo.InvariantCulture)} tokens. However, you requested 0 output tokens and your prompt contains at least {(MaxModelLen(model) + 1).ToString(CultureInfo.InvariantCulture)} input tokens, for a total of at least {(MaxModelLen(model) + 1).ToString(CultureInfo.InvariantCulture)} tokens. Please reduce the length of the input prompt or the number of requested output tokens.",
                    "input_tokens", (MaxModelLen(model) + 1).ToString(CultureInfo.InvariantCulture));
            }

            promptTokens += count;
            var full = HashEmbedder.Embed(text, model.EmbeddingDimensions);
            vectors.Add(dims == model.EmbeddingDimensions ? full : HashEmbedder.Truncate(full, dims));
        }

        var id = "embd-" + RequestId(ctx, null);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (format is "bytes" or "bytes_only")
        {
            var chunks = vectors.Select(v => Encode(v, dtype, bigEndian)).ToList();
            if (format == "bytes")
            {
                var offset = 0;
                var metadata = JsonOut.Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteNumber("created", created);
                    w.WriteString("model", model.Id);
                    w.WriteStartArray("data");
                    for (var i = 0; i < chunks.Count; i++)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("index", i);
                        w.WriteString("embed_dtype", dtype);
                        w.WriteString("endianness", bigEndian ? "big" : "little");
                        w.WriteNumber("start", offset);
                        w.WriteNumber("end", offset + chunks[i].Length);
                        w.WriteStartArray("shape");
                        w.WriteNumberValue(vectors[i].Length);
                        w.WriteEndArray();
                        w.WriteEndObject();
                        offset += chunks[i].Length;
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("usage");
                    w.WriteNumber("prompt_tokens", promptTokens);
                    w.WriteNumber("total_tokens", promptTokens);
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                ctx.Response.Headers["metadata"] = System.Text.Encoding.UTF8.GetString(metadata);
            }

            var all = chunks.SelectMany(c => c).ToArray();
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/octet-stream";
            ctx.Response.ContentLength = all.Length;
            await ctx.Response.Body.WriteAsync(all, ctx.RequestAborted).ConfigureAwait(false);
            return;
        }

        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "list");
            w.WriteNumber("created", created);
            w.WriteString("model", model.Id);
            w.WriteStartArray("data");
            for (var i = 0; i < vectors.Count; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("object", "embedding");
                if (format == "base64")
                {
                    w.WriteString("embedding", Convert.ToBase64String(Encode(vectors[i], dtype, bigEndian)));
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var x in vectors[i])
                    {
                        w.WritePyFloat(x);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WritePoolingUsage(w, promptTokens);
            w.WriteEndObject();
        });
        await WriteJsonAsync(ctx, 200, json).ConfigureAwait(false);
    }

    private static void WritePoolingUsage(Utf8JsonWriter w, int promptTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("total_tokens", promptTokens);
        w.WriteNumber("completion_tokens", 0);
        w.WriteNull("prompt_tokens_details");
        w.WriteEndObject();
    }

    private List<string> EmbeddingInputs(JsonObject body)
    {
        var input = body["input"];
        if (input is null && body["messages"] is JsonArray messages)
        {
            return new List<string> { RenderPrompt(messages, null, BoolField(body, "add_generation_prompt") ?? false) };
        }

        switch (input)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new List<string> { v.GetValue<string>() };
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String):
                return arr.Select(x => x!.GetValue<string>()).ToList();
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.Number):
                return new List<string> { _tokenizer.Decode(arr.Select(x => x!.GetValue<int>())) };
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonArray):
                return arr.Select(x => _tokenizer.Decode(((JsonArray)x!).Select(t => t!.GetValue<int>()))).ToList();
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonObject):
                return new List<string> { RenderPrompt(arr, null, false) };
            case null:
                throw VllmProblem.Validation("missing", new[] { "body", "input" }, "Field required", PyText.Repr(body));
            default:
                throw VllmProblem.Check("Input must be a string, a list of strings, token ids or chat messages, and must not be empty.", "input");
        }
    }

    private static byte[] Encode(float[] vector, string dtype, bool bigEndian)
    {
        switch (dtype)
        {
            case "float16":
            {
                var bytes = new byte[vector.Length * 2];
                for (var i = 0; i < vector.Length; i++)
                {
                    var bits = BitConverter.HalfToUInt16Bits((Half)vector[i]);
                    WriteUInt16(bytes.AsSpan(i * 2), bits, bigEndian);
                }

                return bytes;
            }

            case "bfloat16":
            {
                var bytes = new byte[vector.Length * 2];
                for (var i = 0; i < vector.Length; i++)
                {
                    var bits = BitConverter.SingleToUInt32Bits(vector[i]);
                    var rounded = (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16); // round to nearest even, as torch does
                    WriteUInt16(bytes.AsSpan(i * 2), rounded, bigEndian);
                }

                return bytes;
            }

            case "fp8_e4m3" or "fp8_e5m2":
                throw VllmProblem.Check($"[test server] embed_dtype '{dtype}' is not implemented by the scripted test server.", "embed_dtype");
            default:
            {
                var bytes = new byte[vector.Length * 4];
                for (var i = 0; i < vector.Length; i++)
                {
                    if (bigEndian)
                    {
                        BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(i * 4), vector[i]);
                    }
                    else
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
                    }
                }

                return bytes;
            }
        }
    }

    private static void WriteUInt16(Span<byte> destination, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, value);
        }
    }

    private Task ScoreAsync(RequestState state, JsonObject body)
    {
        var model = ResolveModel(body, embedding: true, paramModel: false);
        (string A, string B)[] keys = { ("queries", "documents"), ("queries", "items"), ("data_1", "data_2"), ("text_1", "text_2") };
        var pair = keys.FirstOrDefault(k => body[k.A] is not null && body[k.B] is not null);
        if (pair.A is null)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "queries" }, "Field required", PyText.Repr(body));
        }

        var left = ScoreTexts(body[pair.A]!, pair.A);
        var right = ScoreTexts(body[pair.B]!, pair.B);
        if (left.Count == 1)
        {
            left = Enumerable.Repeat(left[0], right.Count).ToList();
        }
        else if (left.Count != right.Count)
        {
            throw VllmProblem.Check($"Input lengths must be either 1:1, 1:N or N:N, got {left.Count.ToString(CultureInfo.InvariantCulture)}:{right.Count.ToString(CultureInfo.InvariantCulture)}.", null);
        }

        var tokens = 0;
        var scores = new double[right.Count];
        for (var i = 0; i < right.Count; i++)
        {
            scores[i] = Similarity(model, left[i], right[i]);
            tokens += _tokenizer.Count(left[i]) + _tokenizer.Count(right[i]) + 3;
        }

        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", "score-" + RequestId(state.Context, null));
            w.WriteString("object", "list");
            w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            w.WriteString("model", model.Id);
            w.WriteStartArray("data");
            for (var i = 0; i < scores.Length; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("object", "score");
                w.WritePropertyName("score");
                w.WritePyFloat(scores[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WritePoolingUsage(w, tokens);
            w.WriteEndObject();
        });
        return WriteJsonAsync(state.Context, 200, json);
    }

    private Task RerankAsync(RequestState state, JsonObject body, bool v2)
    {
        _ = v2;
        var model = ResolveModel(body, embedding: true, paramModel: false);
        if (body["query"] is not JsonValue q || q.GetValueKind() != JsonValueKind.String)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "query" }, "Field required", PyText.Repr(body));
        }

        if (body["documents"] is null)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "documents" }, "Field required", PyText.Repr(body));
        }

        var query = q.GetValue<string>();
        var docs = ScoreTexts(body["documents"]!, "documents");
        var topN = (int)(IntField(body, "top_n") ?? 0);
        var tokens = 0;
        var results = new List<(int Index, string Text, double Score)>();
        for (var i = 0; i < docs.Count; i++)
        {
            results.Add((i, docs[i], Similarity(model, query, docs[i])));
            tokens += _tokenizer.Count(query) + _tokenizer.Count(docs[i]) + 3;
        }

        var ordered = results.OrderByDescending(r => r.Score).ThenBy(r => r.Index).ToList();
        if (topN > 0 && topN < ordered.Count)
        {
            ordered = ordered.Take(topN).ToList();
        }

        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", "rerank-" + RequestId(state.Context, null));
            w.WriteString("model", model.Id);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var r in ordered)
            {
                w.WriteStartObject();
                w.WriteNumber("index", r.Index);
                w.WriteStartObject("document");
                w.WriteString("text", r.Text);
                w.WriteNull("multi_modal");
                w.WriteEndObject();
                w.WritePropertyName("relevance_score");
                w.WritePyFloat(r.Score);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return WriteJsonAsync(state.Context, 200, json);
    }

    private static double Similarity(VllmTestModel model, string a, string b) =>
        HashEmbedder.Cosine(HashEmbedder.Embed(a, model.EmbeddingDimensions), HashEmbedder.Embed(b, model.EmbeddingDimensions));

    private static List<string> ScoreTexts(JsonNode node, string field)
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
}
