namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>Writes the server's non-streaming answers: JSON bodies, vLLM's error bodies, FastAPI's plain ones.</summary>
internal static class HttpOut
{
    /// <summary>Records the status when the headers go out, before the client can read a byte, so a client that holds the
    /// whole answer never finds its recorded request still at 0 (as it could when the status was set after the handler
    /// had finished).</summary>
    public static void RecordStatusWhenStarting(HttpResponse response, Action<int> record)
        => response.OnStarting(() =>
        {
            record(response.StatusCode);
            return Task.CompletedTask;
        });

    public static byte[] NotFoundBody => "{\"detail\":\"Not Found\"}"u8.ToArray();

    public static Task WriteJsonAsync(HttpContext ctx, int status, byte[] json) => WriteAsync(ctx, status, "application/json", json);

    /// <summary>A whole answer: status, content type (none for an empty body) and body.</summary>
    public static async Task WriteAsync(HttpContext ctx, int status, string? contentType, byte[] body)
    {
        ctx.Response.StatusCode = status;
        if (contentType is not null)
        {
            ctx.Response.ContentType = contentType;
        }

        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A 200 answer whose body is one JSON object; <paramref name="writeFields"/> writes its fields.</summary>
    public static Task WriteObjectAsync(HttpContext ctx, Action<Utf8JsonWriter> writeFields) =>
        WriteJsonAsync(ctx, 200, JsonOut.Build(w =>
        {
            w.WriteStartObject();
            writeFields(w);
            w.WriteEndObject();
        }));

    /// <summary>vLLM's error body, nested or flat as the emulated version writes it.</summary>
    public static Task WriteErrorAsync(HttpContext ctx, EmulatedVersion version, int status, string type, string message, string? param) =>
        WriteJsonAsync(ctx, status, JsonOut.Build(w => JsonOut.WriteError(w, version, status, type, message, param)));

    /// <summary>Writes a <see cref="VllmProblem"/> as its raw body or as vLLM's error body.</summary>
    public static Task WriteProblemAsync(HttpContext ctx, EmulatedVersion version, VllmProblem problem) =>
        problem.RawBody is { } raw
            ? WriteJsonAsync(ctx, problem.Status, raw)
            : WriteErrorAsync(ctx, version, problem.Status, problem.ErrorType, problem.Message, problem.Param);

    public static Task NotFoundAsync(HttpContext ctx) => WriteJsonAsync(ctx, 404, NotFoundBody);

    public static Task MethodNotAllowedAsync(HttpContext ctx) =>
        WriteJsonAsync(ctx, 405, "{\"detail\":\"Method Not Allowed\"}"u8.ToArray());
}
