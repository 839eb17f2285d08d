using Connectors.Vllm.Testing.Server.Speech;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/audio/transcriptions: a multipart form checked as vLLM checks it, then the deterministic transcript as
/// JSON or SSE (§15).</summary>
internal sealed class TranscriptionsRoute(ServerState server) : ServerRoute(server, "POST", "/v1/audio/transcriptions")
{
    protected override async Task HandleAsync(RequestState request)
    {
        var form = await FormBody.ReadAsync(request).ConfigureAwait(false);
        await SpeechAnswer.WriteAsync(Server, request, SpeechRun.Check(Server, form, translate: false)).ConfigureAwait(false);
    }
}
