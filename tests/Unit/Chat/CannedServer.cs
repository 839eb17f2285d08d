using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Canned vLLM answers (byte-exact examples from TestData/Chat) for the in-memory handler.</summary>
internal static class CannedServer
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Chat", name));

    /// <summary>A handler answering /v1/chat/completions with <paramref name="file"/> (SSE when it ends in .sse) and /version with 0.27.1.</summary>
    public static RecordingHandler Handler(string file, HttpStatusCode status = HttpStatusCode.OK, string version = "0.27.1")
        => new((request, _) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/version", StringComparison.Ordinal))
            {
                return Respond(HttpStatusCode.OK, $$"""{"version":"{{version}}"}""", "application/json");
            }

            if (path.EndsWith("/models", StringComparison.Ordinal))
            {
                return Respond(HttpStatusCode.OK, Read("models-response.example.json"), "application/json");
            }

            return file.EndsWith(".sse", StringComparison.Ordinal)
                ? Respond(status, Read(file), "text/event-stream")
                : Respond(status, Read(file), "application/json");
        });

    public static HttpResponseMessage Respond(HttpStatusCode status, string body, string mediaType)
    {
        // Non-seekable, like a real network stream.
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return new HttpResponseMessage(status) { Content = content };
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
