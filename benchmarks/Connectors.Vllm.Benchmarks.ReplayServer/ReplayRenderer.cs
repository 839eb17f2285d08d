using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Connectors.Vllm.Benchmarks.ReplayServer;

/// <summary>
/// Renders complete HTTP/1.1 responses (status line, uvicorn-style headers, body) as byte arrays, so that
/// serving a request is one socket send. SSE bodies use chunked transfer encoding with one HTTP chunk per
/// event, as uvicorn does for vLLM's StreamingResponse.
/// </summary>
internal sealed class ReplayRenderer
{
    private const int TextPromptTokens = 42;
    private const int ToolPromptTokens = 218;
    private static readonly string[] ExtraArgumentPieces = [" and", " Boston", ",", " MA"];
    private readonly ReplayTemplates _t;
    private readonly string _date = DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture);

    public ReplayRenderer(ReplayTemplates templates) => _t = templates;

    /// <summary>Role chunk, <paramref name="contentChunks"/> content chunks, finish chunk, usage chunk, [DONE].</summary>
    public byte[] TextStream(string model, int contentChunks)
    {
        var events = new List<string>(contentChunks + 4) { WithModel(_t.TextRoleChunk, _t.TextModel, model) };
        var content = WithModel(_t.TextContentChunk, _t.TextModel, model);
        for (var i = 0; i < contentChunks; i++)
        {
            events.Add(content.Replace("{CONTENT}", ReplayTemplates.JsonString(_t.TextTokens[i % _t.TextTokens.Count]), StringComparison.Ordinal));
        }

        events.Add(WithModel(_t.TextFinishChunk, _t.TextModel, model));
        events.Add(Usage(WithModel(_t.TextUsageChunk, _t.TextModel, model), TextPromptTokens, contentChunks));
        events.Add("[DONE]");
        return Sse(events);
    }

    /// <summary>The hermes tool-call stream with <paramref name="fragments"/> argument fragments (at least the example's).</summary>
    public byte[] ToolStream(string model, int fragments)
    {
        var pieces = new List<string>(_t.ToolFragments);
        var last = pieces[^1];
        pieces.RemoveAt(pieces.Count - 1);
        for (var i = 0; pieces.Count < fragments - 1; i++)
        {
            pieces.Add(ExtraArgumentPieces[i % ExtraArgumentPieces.Length]);
        }

        pieces.Add(last);
        var events = new List<string>(pieces.Count + 5)
        {
            WithModel(_t.ToolRoleChunk, _t.ToolModel, model),
            WithModel(_t.ToolNameChunk, _t.ToolModel, model),
        };
        var template = WithModel(_t.ToolArgumentsChunk, _t.ToolModel, model);
        foreach (var piece in pieces)
        {
            events.Add(template.Replace("{ARGS}", ReplayTemplates.JsonString(piece), StringComparison.Ordinal));
        }

        events.Add(WithModel(_t.ToolFinishChunk, _t.ToolModel, model));
        events.Add(Usage(WithModel(_t.ToolUsageChunk, _t.ToolModel, model), ToolPromptTokens, pieces.Count + 2));
        events.Add("[DONE]");
        return Sse(events);
    }

    public byte[] ChatJson(string model) => Json(200, WithModel(_t.ChatResponse, _t.ChatResponseModel, model));

    public byte[] ToolJson(string model) => Json(200, WithModel(_t.ToolResponse, _t.ToolModel, model));

    public byte[] Models() => Json(200, _t.ModelsResponse);

    public byte[] Version() => Json(200, "{\"version\":\"0.27.1\"}");

    public byte[] Health() => Raw(200, "OK", "application/json", [], chunked: false, Array.Empty<byte>());

    public byte[] NotFound() => Json(404, "{\"detail\":\"Not Found\"}");

    public byte[] Stats(string json) => Json(200, json);

    public byte[] BadRequest(string message)
        => Json(400, "{\"error\":{\"message\":" + ReplayTemplates.JsonString(message) + ",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}");

    /// <summary><c>/v1/embeddings</c> for <paramref name="count"/> inputs of <paramref name="dimensions"/> float32 values.</summary>
    public byte[] Embeddings(string model, int count, int dimensions, string encodingFormat)
    {
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = Vector(i, dimensions);
        }

        var promptTokens = count * 8;
        if (encodingFormat is "bytes" or "bytes_only")
        {
            var parts = new byte[count][];
            var meta = new StringBuilder("{\"id\": \"embd-b8269a827b23066e\", \"created\": 1745476417, \"model\": ")
                .Append(ReplayTemplates.JsonString(model)).Append(", \"data\": [");
            var offset = 0;
            for (var i = 0; i < count; i++)
            {
                parts[i] = LittleEndian(vectors[i]);
                if (i > 0)
                {
                    meta.Append(", ");
                }

                meta.Append(CultureInfo.InvariantCulture, $"{{\"index\": {i}, \"embed_dtype\": \"float32\", \"endianness\": \"native\", \"start\": {offset}, \"end\": {offset + parts[i].Length}, \"shape\": [{dimensions}]}}");
                offset += parts[i].Length;
            }

            meta.Append(CultureInfo.InvariantCulture, $"], \"usage\": {{\"prompt_tokens\": {promptTokens}, \"total_tokens\": {promptTokens}}}}}");
            var headers = encodingFormat == "bytes" ? new[] { "metadata: " + meta } : Array.Empty<string>();
            using var body = new MemoryStream();
            foreach (var part in parts)
            {
                WriteChunk(body, part);
            }

            WriteLastChunk(body);
            return Raw(200, "OK", "application/octet-stream", headers, chunked: true, body.ToArray());
        }

        var json = new StringBuilder(count * dimensions * 12);
        json.Append("{\"id\":\"embd-b8269a827b23066e\",\"object\":\"list\",\"created\":1745476417,\"model\":")
            .Append(ReplayTemplates.JsonString(model)).Append(",\"data\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(CultureInfo.InvariantCulture, $"{{\"index\":{i},\"object\":\"embedding\",\"embedding\":");
            if (encodingFormat == "base64")
            {
                json.Append('"').Append(Convert.ToBase64String(LittleEndian(vectors[i]))).Append('"');
            }
            else
            {
                json.Append('[');
                for (var j = 0; j < dimensions; j++)
                {
                    if (j > 0)
                    {
                        json.Append(',');
                    }

                    // float32 shortest round-trip text, as orjson writes a float32 array (values >= 1e-3 in
                    // magnitude, so there is never an exponent).
                    json.Append(vectors[i][j].ToString("R", CultureInfo.InvariantCulture));
                }

                json.Append(']');
            }

            json.Append('}');
        }

        json.Append(CultureInfo.InvariantCulture, $"],\"usage\":{{\"prompt_tokens\":{promptTokens},\"total_tokens\":{promptTokens},\"completion_tokens\":0,\"prompt_tokens_details\":null}}}}");
        return Json(200, json.ToString());
    }

    /// <summary>Deterministic float32 values in ±[0.001, 0.05): vector <paramref name="index"/>.</summary>
    public static float[] Vector(int index, int dimensions)
    {
        var v = new float[dimensions];
        var state = (uint)(index * 2654435761u) ^ 0x9E3779B9u;
        for (var j = 0; j < dimensions; j++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var magnitude = 0.001f + (0.049f * ((state >> 8) / 16777216f));
            v[j] = (state & 1) == 0 ? magnitude : -magnitude;
        }

        return v;
    }

    private static byte[] LittleEndian(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var j = 0; j < vector.Length; j++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * sizeof(float)), vector[j]);
        }

        return bytes;
    }

    private static string WithModel(string json, string from, string to)
        => from == to ? json : json.Replace("\"model\":" + ReplayTemplates.JsonString(from), "\"model\":" + ReplayTemplates.JsonString(to), StringComparison.Ordinal);

    private static string Usage(string template, int prompt, int completion)
        => template.Replace("{PROMPT}", prompt.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{TOTAL}", (prompt + completion).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{COMPLETION}", completion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private byte[] Sse(List<string> events)
    {
        using var body = new MemoryStream();
        foreach (var e in events)
        {
            WriteChunk(body, Encoding.UTF8.GetBytes("data: " + e + "\n\n"));
        }

        WriteLastChunk(body);
        return Raw(200, "OK", "text/event-stream; charset=utf-8", [], chunked: true, body.ToArray());
    }

    private byte[] Json(int status, string body)
        => Raw(status, status switch { 200 => "OK", 400 => "Bad Request", _ => "Not Found" }, "application/json", [], chunked: false, Encoding.UTF8.GetBytes(body));

    private byte[] Raw(int status, string reason, string contentType, IReadOnlyList<string> extraHeaders, bool chunked, byte[] body)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n")
            .Append("date: ").Append(_date).Append("\r\n")
            .Append("server: uvicorn\r\n");
        if (chunked)
        {
            head.Append("content-type: ").Append(contentType).Append("\r\n");
            foreach (var h in extraHeaders)
            {
                head.Append(h).Append("\r\n");
            }

            head.Append("transfer-encoding: chunked\r\n");
        }
        else
        {
            head.Append(CultureInfo.InvariantCulture, $"content-length: {body.Length}\r\n");
            head.Append("content-type: ").Append(contentType).Append("\r\n");
            foreach (var h in extraHeaders)
            {
                head.Append(h).Append("\r\n");
            }
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var all = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(all, 0);
        body.CopyTo(all, headBytes.Length);
        return all;
    }

    private static void WriteChunk(MemoryStream body, byte[] data)
    {
        body.Write(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        body.Write(data);
        body.Write("\r\n"u8);
    }

    private static void WriteLastChunk(MemoryStream body) => body.Write("0\r\n\r\n"u8);
}
