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

    /// <summary>A handler answering /v1/chat/completions with one choice, streamed (a role chunk, then one chunk with
    /// <paramref name="message"/> as the delta and <paramref name="choiceFields"/>) or as one <c>chat.completion</c> with
    /// <paramref name="message"/> as its message; /version with <paramref name="version"/> and /v1/models as
    /// <see cref="Handler"/>. JSON may use single quotes.</summary>
    /// <param name="stream">Whether to answer as SSE.</param>
    /// <param name="message">The message (delta) object, e.g. <c>{'content':'hi'}</c>.</param>
    /// <param name="choiceFields">The choice's other fields, e.g. <c>'finish_reason':'stop'</c>.</param>
    /// <param name="version">The server version /version reports.</param>
    public static InMemoryHandler Choice(bool stream, string message, string choiceFields, string version = "0.27.1")
    {
        const string Usage = "'usage':{'prompt_tokens':3,'completion_tokens':1,'total_tokens':4}";
        var head = "{'id':'chatcmpl-1','object':'OBJECT','created':1,'model':'m','choices':[{'index':0,";
        var body = (stream
            ? "data: " + head.Replace("OBJECT", "chat.completion.chunk", StringComparison.Ordinal) + "'delta':{'role':'assistant','content':''},'finish_reason':null}]}\n\n"
                + "data: " + head.Replace("OBJECT", "chat.completion.chunk", StringComparison.Ordinal) + "'delta':" + message + "," + choiceFields + "}]," + Usage + "}\n\ndata: [DONE]\n\n"
            : head.Replace("OBJECT", "chat.completion", StringComparison.Ordinal) + "'message':" + message + "," + choiceFields + "}]," + Usage + "}")
            .Replace('\'', '"');
        return new(request =>
        {
            if (request.Path.EndsWith("/version", StringComparison.Ordinal))
            {
                return InMemoryHandler.Text($$"""{"version":"{{version}}"}""", "application/json");
            }

            if (request.Path.EndsWith("/models", StringComparison.Ordinal))
            {
                return InMemoryHandler.Text(TestFiles.Read("models-response.example.json"), "application/json");
            }

            return InMemoryHandler.Text(body, stream ? "text/event-stream" : "application/json");
        });
    }
}
