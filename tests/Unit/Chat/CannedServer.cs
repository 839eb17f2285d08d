using System;
using System.Net;
using Connectors.Vllm.Tests.Unit.TestHttp;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Canned vLLM answers (byte-exact examples from TestData) for the in-memory handler.</summary>
internal static class CannedServer
{
    /// <summary>A handler answering /v1/chat/completions with <paramref name="file"/> (SSE when it ends in .sse), /v1/models with the example listing and /version with <paramref name="version"/>.</summary>
    public static InMemoryHandler Handler(string file, HttpStatusCode status = HttpStatusCode.OK, string version = "0.27.1")
        => new(request =>
        {
            if (request.Path.EndsWith("/version", StringComparison.Ordinal))
            {
                return InMemoryHandler.Text($$"""{"version":"{{version}}"}""", "application/json");
            }

            if (request.Path.EndsWith("/models", StringComparison.Ordinal))
            {
                return InMemoryHandler.Text(TestFiles.Read("models-response.example.json"), "application/json");
            }

            return InMemoryHandler.Text(TestFiles.Read(file), file.EndsWith(".sse", StringComparison.Ordinal) ? "text/event-stream" : "application/json", status);
        });
}
