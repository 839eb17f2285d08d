namespace Connectors.Vllm.Testing.Server;

/// <summary>One request in flight: its record, body, header fault and how it ended.</summary>
internal sealed class RequestState(HttpContext context, RecordedRequest record, byte[] body, VllmTestFault? headerFault)
{
    public HttpContext Context { get; } = context;

    public RecordedRequest Record { get; } = record;

    /// <summary>The request body as received (read once, before routing, so it is recorded whatever the route).</summary>
    public byte[] Body { get; } = body;

    public VllmTestFault? HeaderFault { get; } = headerFault;

    public volatile bool Completed;

    /// <summary>The server cut the connection on purpose (a fault), so it is not counted as a client abort.</summary>
    public volatile bool ServerClosed;

    /// <summary>Gets the state the request pipeline attached to <paramref name="context"/>.</summary>
    public static RequestState Of(HttpContext context) => context.Features.Get<RequestState>()!;
}
