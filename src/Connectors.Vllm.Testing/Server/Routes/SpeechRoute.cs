using Connectors.Vllm.Testing.Server.Speech;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>The two speech-to-text routes (§15): a multipart form checked as vLLM checks it, then the deterministic
/// transcript as JSON or SSE; they differ only in their path and whether the answer is a translation.</summary>
internal abstract class SpeechRoute(ServerState server, string path, bool translate) : ServerRoute(server, "POST", path)
{
    protected sealed override async Task HandleAsync(RequestState request)
    {
        var form = await FormBody.ReadAsync(request).ConfigureAwait(false);
        await SpeechAnswer.WriteAsync(Server, request, SpeechRun.Check(Server, form, translate)).ConfigureAwait(false);
    }
}
