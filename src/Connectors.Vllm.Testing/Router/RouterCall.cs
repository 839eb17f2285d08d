namespace Connectors.Vllm.Testing.Router;

/// <summary>One request passing through the test router: what arrived, where it goes, what is recorded.</summary>
internal sealed class RouterCall
{
    private RouterCall(HttpContext context, byte[] body, string? requestId)
    {
        Context = context;
        Body = body;
        RequestId = requestId;
        Record = new VllmTestRouterRequest(context.Request.Method, context.Request.Path.Value ?? "/", requestId);
        (Json, JsonBroken) = ParseBody(body);
    }

    public HttpContext Context { get; }

    public byte[] Body { get; }

    /// <summary>The request id the engine uses (sent to the backend as <c>X-Request-Id</c>), or null.</summary>
    public string? RequestId { get; }

    public VllmTestRouterRequest Record { get; }

    /// <summary>The body as a JSON object, or null when it is empty, not JSON or not an object.</summary>
    public JsonObject? Json { get; }

    /// <summary>The body is there but is not JSON.</summary>
    public bool JsonBroken { get; }

    /// <summary>The path on the backend (the client's path, a KServe prefix stripped); set by the engine.</summary>
    public string BackendPath { get; set; } = "/";

    public bool IsGet => HttpMethods.IsGet(Context.Request.Method);

    public string? Model => Json?["model"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static async Task<RouterCall> StartAsync(HttpContext context, Func<HttpRequest, string?> requestId)
    {
        using var buffer = new System.IO.MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return new RouterCall(context, buffer.ToArray(), requestId(context.Request));
    }

    /// <summary>A request header, or null when absent or empty.</summary>
    public string? Header(string name) => Context.Request.Headers[name].ToString() is { Length: > 0 } v ? v : null;

    /// <summary>A body field as text (strings as they are, other JSON values as JSON), or null.</summary>
    public string? BodyField(JsonObject? obj, string name) => obj?[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var node => node.ToJsonString(),
    };

    private static (JsonObject?, bool) ParseBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, false);
        }

        try
        {
            return (JsonNode.Parse(body) as JsonObject, false);
        }
        catch (JsonException)
        {
            return (null, true);
        }
    }
}
