using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Connectors.Vllm.Tests.Unit.TestHttp;

namespace Connectors.Vllm.Tests.Unit.Embeddings;

/// <summary>
/// A deterministic stand-in for vLLM's /v1/embeddings: input "t{n}" gets the vector v[j] = n + j / 8 (exact in float32,
/// float16 and bfloat16 for small n), one prompt token per input. Answers in the asked encoding, with data items in
/// reverse order (vLLM sorts them; a client must still place them by index).
/// </summary>
internal static class FakeEmbeddings
{
    public const int Dimensions = 8;

    public static float[] VectorFor(string input)
    {
        var n = int.Parse(input.AsSpan(1), CultureInfo.InvariantCulture);
        return Enumerable.Range(0, Dimensions).Select(j => n + (j / 8f)).ToArray();
    }

    public static Func<InMemoryRequest, HttpResponseMessage> Responder(string version = "0.27.1")
        => request =>
        {
            if (request.Path == "/version")
            {
                return InMemoryHandler.Json($$"""{"version":"{{version}}"}""");
            }

            var body = request.Json;
            var inputs = body.GetProperty("input").EnumerateArray().Select(i => i.GetString()!).ToArray();
            var format = body.TryGetProperty("encoding_format", out var f) ? f.GetString() : "float";
            var dtype = body.TryGetProperty("embed_dtype", out var d) ? d.GetString()! : "float32";
            if (format == "bytes")
            {
                return Bytes(inputs, dtype);
            }

            var data = new StringBuilder();
            for (var i = inputs.Length - 1; i >= 0; i--)
            {
                var vector = VectorFor(inputs[i]);
                var embedding = format == "base64"
                    ? "\"" + Convert.ToBase64String(Encode(vector, dtype)) + "\""
                    : "[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
                data.Append(CultureInfo.InvariantCulture, $$"""{"index":{{i}},"object":"embedding","embedding":{{embedding}}}""");
                if (i > 0)
                {
                    data.Append(',');
                }
            }

            return InMemoryHandler.Json($$$"""{"id":"embd-0123456789abcdef","object":"list","created":1745476417,"model":"fake-embed","data":[{{{data}}}],"usage":{"prompt_tokens":{{{inputs.Length}}},"total_tokens":{{{inputs.Length}}},"completion_tokens":0,"prompt_tokens_details":null}}""");
        };

    public static byte[] Encode(float[] vector, string dtype) => dtype switch
    {
        "float16" => MemoryMarshal.AsBytes(vector.Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
        "bfloat16" => MemoryMarshal.AsBytes(vector.Select(v => (ushort)(BitConverter.SingleToInt32Bits(v) >>> 16)).ToArray().AsSpan()).ToArray(),
        _ => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(),
    };

    private static HttpResponseMessage Bytes(string[] inputs, string dtype)
    {
        var body = new System.IO.MemoryStream();
        var items = new StringBuilder();
        for (var i = 0; i < inputs.Length; i++)
        {
            var raw = Encode(VectorFor(inputs[i]), dtype);
            var start = (int)body.Length;
            body.Write(raw);
            items.Append(CultureInfo.InvariantCulture, $$"""{"index":{{i}},"embed_dtype":"{{dtype}}","endianness":"little","start":{{start}},"end":{{body.Length}},"shape":[{{Dimensions}}]}""");
            if (i < inputs.Length - 1)
            {
                items.Append(',');
            }
        }

        var response = InMemoryHandler.Bytes(body.ToArray(), "application/octet-stream");
        response.Headers.TryAddWithoutValidation("metadata", $$$"""{"id":"embd-0123456789abcdef","created":1745476417,"model":"fake-embed","data":[{{{items}}}],"usage":{"prompt_tokens":{{{inputs.Length}}},"total_tokens":{{{inputs.Length}}}}}""");
        return response;
    }
}
