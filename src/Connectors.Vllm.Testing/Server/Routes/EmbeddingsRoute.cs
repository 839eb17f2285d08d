using Connectors.Vllm.Testing.Server.Pooling;
using Connectors.Vllm.Testing.Server.Validation;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/embeddings: hashed bag-of-words vectors as floats, base64 or raw bytes (+ metadata header).</summary>
internal sealed class EmbeddingsRoute(ServerState server) : ServerRoute(server, "POST", "/v1/embeddings")
{
    protected override async Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        var (format, dtype) = Check(body);
        var wire = new Wire(format, dtype, RequestJson.String(body, "endianness") == "big");
        var model = Server.ResolveModel(body, embedding: true, paramModel: false);
        var maxModelLen = Server.MaxModelLen(model);
        ContextLength.CheckTruncation(body, maxModelLen);
        var inputs = Inputs(body);
        var dims = Dimensions(body, model);
        var promptTokens = 0;
        var vectors = new List<float[]>();
        foreach (var text in inputs)
        {
            var count = Server.Tokenizer.Count(text) + 2; // BOS and EOS, as BERT-style encoders add
            if (count > maxModelLen)
            {
                throw ContextLength.TooLong(maxModelLen, 0, maxModelLen + 1);
            }

            promptTokens += count;
            var full = HashEmbedder.Embed(text, model.EmbeddingDimensions);
            vectors.Add(dims == model.EmbeddingDimensions ? full : HashEmbedder.Truncate(full, dims));
        }

        var answer = new Answer("embd-" + Server.RequestId(request.Context, null), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model.Id, vectors, promptTokens);
        if (format is "bytes" or "bytes_only")
        {
            await WriteBytesAsync(request, answer, wire).ConfigureAwait(false);
            return;
        }

        await HttpOut.WriteJsonAsync(request.Context, 200, Json(answer, wire)).ConfigureAwait(false);
    }

    /// <summary>Types, strict mode, <c>normalize</c>, <c>encoding_format</c> and <c>embed_dtype</c>, in vLLM's order.</summary>
    private (string Format, string Dtype) Check(JsonObject body)
    {
        var version = Server.Version;
        FieldTypes.Check(body, Server.Version);
        if (version.RejectsNormalize && body.ContainsKey("normalize"))
        {
            throw VllmProblem.Check("Parameter `normalize` was removed; use `use_activation` instead.", "normalize", appendParameter: false);
        }

        if (Server.Options.Strict)
        {
            CheckStrict(body);
        }

        var format = RequestJson.String(body, "encoding_format") ?? "float";
        var formats = version.AcceptsBytesOnly ? new[] { "float", "base64", "bytes", "bytes_only" } : new[] { "float", "base64", "bytes" };
        if (!formats.Contains(format))
        {
            throw VllmProblem.Validation("literal_error", new[] { "body", "encoding_format" },
                "Input should be " + string.Join(", ", formats.Take(formats.Length - 1).Select(f => "'" + f + "'")) + " or '" + formats[^1] + "'", PyText.Repr(body["encoding_format"]));
        }

        var dtype = RequestJson.String(body, "embed_dtype") ?? "float32";
        if (dtype is not ("float32" or "float16" or "bfloat16" or "fp8_e4m3" or "fp8_e5m2"))
        {
            throw VllmProblem.Validation("literal_error", new[] { "body", "embed_dtype" },
                "Input should be 'float32', 'float16', 'bfloat16', 'fp8_e4m3' or 'fp8_e5m2'", PyText.Repr(body["embed_dtype"]));
        }

        return (format, dtype);
    }

    private void CheckStrict(JsonObject body)
    {
        var accepted = new HashSet<string>(ChatFields.EmbeddingFields, StringComparer.Ordinal);
        if (!Server.Version.AcceptsEmbedDtype)
        {
            accepted.Remove("embed_dtype");
        }

        if (!Server.Version.RejectsNormalize)
        {
            accepted.Add("normalize");
        }

        foreach (var (name, _) in body)
        {
            if (!accepted.Contains(name))
            {
                throw Server.StrictReject(name, $"Request field `{name}`");
            }
        }
    }

    private List<string> Inputs(JsonObject body)
    {
        var input = body["input"];
        if (input is null && body["messages"] is JsonArray messages)
        {
            return new List<string> { PromptTemplate.Render(messages, null, RequestJson.Bool(body, "add_generation_prompt") ?? false) };
        }

        var tokenizer = Server.Tokenizer;
        switch (input)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new List<string> { v.GetValue<string>() };
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String):
                return arr.Select(x => x!.GetValue<string>()).ToList();
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.Number):
                return new List<string> { tokenizer.Decode(arr.Select(x => x!.GetValue<int>())) };
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonArray):
                return arr.Select(x => tokenizer.Decode(((JsonArray)x!).Select(t => t!.GetValue<int>()))).ToList();
            case JsonArray { Count: > 0 } arr when arr.All(x => x is JsonObject):
                return new List<string> { PromptTemplate.Render(arr, null, false) };
            case null:
                throw VllmProblem.Missing(body, "body", "input");
            default:
                throw VllmProblem.Check("Input must be a string, a list of strings, token ids or chat messages, and must not be empty.", "input");
        }
    }

    /// <summary>The requested Matryoshka <c>dimensions</c>, checked against what the model supports.</summary>
    private static int Dimensions(JsonObject body, VllmTestModel model)
    {
        if (RequestJson.Int(body, "dimensions") is not { } requested)
        {
            return model.EmbeddingDimensions;
        }

        var d = requested.ToString(CultureInfo.InvariantCulture);
        if (!model.SupportsMatryoshka)
        {
            throw VllmProblem.Check($"Model '{model.Id}' does not support Matryoshka embeddings; dimensions must be unset (received dimensions={d}).", null);
        }

        if (model.MatryoshkaDimensions is { Count: > 0 } allowed && !allowed.Contains((int)requested))
        {
            throw VllmProblem.Check($"Model '{model.Id}' only supports Matryoshka dimensions [{string.Join(", ", allowed)}], got {d}.", null);
        }

        if (requested < 1 || requested > model.EmbeddingDimensions)
        {
            throw VllmProblem.Check($"Model '{model.Id}' only supports dimensions in range [1, {model.EmbeddingDimensions.ToString(CultureInfo.InvariantCulture)}], got {d}.", null);
        }

        return (int)requested;
    }

    /// <summary><c>bytes</c> (metadata in a header) and <c>bytes_only</c>: the vectors back to back as the body.</summary>
    private static async Task WriteBytesAsync(RequestState request, Answer answer, Wire wire)
    {
        var chunks = answer.Vectors.Select(v => EmbeddingEncoding.Encode(v, wire.Dtype, wire.BigEndian)).ToList();
        var ctx = request.Context;
        if (wire.Format == "bytes")
        {
            ctx.Response.Headers["metadata"] = System.Text.Encoding.UTF8.GetString(BytesMetadata(answer, wire, chunks));
        }

        var all = chunks.SelectMany(c => c).ToArray();
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/octet-stream";
        ctx.Response.ContentLength = all.Length;
        await ctx.Response.Body.WriteAsync(all, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] BytesMetadata(Answer answer, Wire wire, List<byte[]> chunks) => JsonOut.Build(w =>
    {
        var offset = 0;
        w.WriteStartObject();
        w.WriteString("id", answer.Id);
        w.WriteNumber("created", answer.Created);
        w.WriteString("model", answer.Model);
        w.WriteStartArray("data");
        for (var i = 0; i < chunks.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteString("embed_dtype", wire.Dtype);
            w.WriteString("endianness", wire.BigEndian ? "big" : "little");
            w.WriteNumber("start", offset);
            w.WriteNumber("end", offset + chunks[i].Length);
            w.WriteStartArray("shape");
            w.WriteNumberValue(answer.Vectors[i].Length);
            w.WriteEndArray();
            w.WriteEndObject();
            offset += chunks[i].Length;
        }

        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", answer.PromptTokens);
        w.WriteNumber("total_tokens", answer.PromptTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] Json(Answer answer, Wire wire) => JsonOut.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", answer.Id);
        w.WriteString("object", "list");
        w.WriteNumber("created", answer.Created);
        w.WriteString("model", answer.Model);
        w.WriteStartArray("data");
        for (var i = 0; i < answer.Vectors.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteString("object", "embedding");
            if (wire.Format == "base64")
            {
                w.WriteString("embedding", Convert.ToBase64String(EmbeddingEncoding.Encode(answer.Vectors[i], wire.Dtype, wire.BigEndian)));
            }
            else
            {
                w.WriteStartArray("embedding");
                foreach (var x in answer.Vectors[i])
                {
                    w.WritePyFloat(x);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        PoolingText.WriteUsage(w, answer.PromptTokens);
        w.WriteEndObject();
    });

    private sealed record Wire(string Format, string Dtype, bool BigEndian);

    private sealed record Answer(string Id, long Created, string Model, List<float[]> Vectors, int PromptTokens);
}
