namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>
/// One SSE answer (framed by <see cref="SseOut"/>) with the request's stream fault injected between its events: the one
/// place the stream faults are applied, by every streamed route (chat, text completions, speech to text).
/// </summary>
/// <remarks>Each fault emulates vLLM or the network: a stall, a reset, a missing <c>[DONE]</c>, vLLM's in-stream error
/// event (the same on every route: <c>create_streaming_error_response</c>, then <c>[DONE]</c>), a route chunk cut off
/// mid-string, or one very long chunk of the route's own shape.</remarks>
internal sealed class StreamFaults
{
    /// <summary>The text a malformed chunk is cut off after.</summary>
    private const string MalformedText = "[malformed";

    private static readonly byte[] ErrorEvent = Encoding.UTF8.GetBytes(
        "data: {\"error\": {\"message\": \"Internal server error\", \"type\": \"InternalServerError\", \"param\": null, \"code\": 500}}\n\n");

    private readonly ServerState _server;
    private readonly RequestState _request;
    private readonly HttpContext _ctx;
    private readonly Func<string, byte[]> _textChunk;
    private readonly VllmTestFault? _fault;
    private readonly int _faultAt;
    private int _written;

    private StreamFaults(ServerState server, RequestState request, Func<string, byte[]> textChunk)
    {
        _server = server;
        _request = request;
        _ctx = request.Context;
        _textChunk = textChunk;
        _fault = server.TakeFault(request, k => k is VllmTestFaultKind.StallMidStream or VllmTestFaultKind.CloseMidStream or VllmTestFaultKind.NoDone
            or VllmTestFaultKind.ErrorEvent or VllmTestFaultKind.MalformedChunk or VllmTestFaultKind.OversizedLine);
        _faultAt = _fault?.Kind == VllmTestFaultKind.OversizedLine ? 1 : _fault?.Parameter ?? 2;
    }

    /// <summary>Takes the request's stream fault (if any) and sends the 200 and the event-stream headers.</summary>
    /// <param name="server">The server.</param>
    /// <param name="request">The request.</param>
    /// <param name="textChunk">Builds one of the route's chunks carrying a text (the malformed and the oversized chunk).</param>
    public static async Task<StreamFaults> StartAsync(ServerState server, RequestState request, Func<string, byte[]> textChunk)
    {
        var stream = new StreamFaults(server, request, textChunk);
        await SseOut.StartAsync(request.Context).ConfigureAwait(false);
        return stream;
    }

    /// <summary>Sends one event unless a fault ends the stream first.</summary>
    /// <returns>False when the stream must end here (nothing more may be written).</returns>
    public async Task<bool> SendAsync(byte[] json)
    {
        if (!await BeforeEventAsync().ConfigureAwait(false))
        {
            return false;
        }

        await SseOut.WriteEventAsync(_ctx, json).ConfigureAwait(false);
        _written++;
        return true;
    }

    /// <summary>Ends the stream with <c>data: [DONE]</c>, unless a fault due now ends it, or the fault is <c>no-done</c>.</summary>
    public async Task EndAsync()
    {
        if (await BeforeEventAsync().ConfigureAwait(false) && _fault?.Kind != VllmTestFaultKind.NoDone)
        {
            await SseOut.WriteDoneAsync(_ctx).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the stream fault when its turn has come; false when the stream must end here.</summary>
    private async Task<bool> BeforeEventAsync()
    {
        if (_fault is null || _written != _faultAt)
        {
            return true;
        }

        switch (_fault.Kind)
        {
            case VllmTestFaultKind.StallMidStream:
                await _server.FaultDelayAsync(_request, Timeout.Infinite).ConfigureAwait(false);
                return false;
            case VllmTestFaultKind.CloseMidStream:
                _request.ServerClosed = true;
                _ctx.Abort();
                return false;
            case VllmTestFaultKind.ErrorEvent:
                await SseOut.WriteRawAsync(_ctx, ErrorEvent).ConfigureAwait(false);
                await SseOut.WriteDoneAsync(_ctx).ConfigureAwait(false);
                return false;
            case VllmTestFaultKind.MalformedChunk:
                // A chunk of the route's own shape, cut off inside a string: not JSON.
                var chunk = _textChunk(MalformedText);
                var cut = chunk.AsSpan().IndexOf(Encoding.UTF8.GetBytes(MalformedText)) + MalformedText.Length;
                await SseOut.WriteEventAsync(_ctx, chunk[..cut]).ConfigureAwait(false);
                _written++;
                return true;
            case VllmTestFaultKind.OversizedLine:
                await SseOut.WriteEventAsync(_ctx, _textChunk(new string('x', Math.Max(1, _fault.Parameter ?? (1024 * 1024))))).ConfigureAwait(false);
                _written++;
                return true;
            default:
                return true;
        }
    }
}
