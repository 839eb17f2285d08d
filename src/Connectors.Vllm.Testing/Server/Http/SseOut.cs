namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>Writes a server-sent-events answer the way vLLM frames it: <c>data: &lt;json&gt;\n\n</c> per event, then <c>data: [DONE]</c>.</summary>
internal static class SseOut
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Sends the 200 and the event-stream headers.</summary>
    public static Task StartAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        return ctx.Response.StartAsync(ctx.RequestAborted);
    }

    /// <summary>Sends one event and flushes it.</summary>
    public static async Task WriteEventAsync(HttpContext ctx, byte[] json)
    {
        var body = ctx.Response.Body;
        await body.WriteAsync(DataPrefix, ctx.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(json, ctx.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(EventEnd, ctx.RequestAborted).ConfigureAwait(false);
        await body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Sends <c>data: [DONE]</c>.</summary>
    public static Task WriteDoneAsync(HttpContext ctx) => WriteRawAsync(ctx, DoneEvent);

    /// <summary>Sends bytes as they are (already framed, or broken on purpose by a fault) and flushes them.</summary>
    public static async Task WriteRawAsync(HttpContext ctx, byte[] bytes)
    {
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
