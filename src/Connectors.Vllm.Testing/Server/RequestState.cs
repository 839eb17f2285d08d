namespace Connectors.Vllm.Testing.Server;

/// <summary>One request in flight: its record, body, header fault and how it ended.</summary>
internal sealed class RequestState
{
    public RequestState(HttpContext context, RecordedRequest record, byte[] body, VllmTestFault? headerFault)
    {
        Context = context;
        Record = record;
        Body = body;
        HeaderFault = headerFault;
    }

    public HttpContext Context { get; }

    public RecordedRequest Record { get; }

    /// <summary>The request body as received (read once, before routing, so it is recorded whatever the route).</summary>
    public byte[] Body { get; }

    public VllmTestFault? HeaderFault { get; }

    public volatile bool Completed;

    /// <summary>The server cut the connection on purpose (a fault), so it is not counted as a client abort.</summary>
    public volatile bool ServerClosed;

    /// <summary>Gets the state the request pipeline attached to <paramref name="context"/>.</summary>
    public static RequestState Of(HttpContext context) => context.Features.Get<RequestState>()!;
}
