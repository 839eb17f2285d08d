using Connectors.Vllm.Testing.Server.Speech;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/audio/translations: as <see cref="TranscriptionsRoute"/>, into English, without usage in a whole answer (§15).</summary>
internal sealed class TranslationsRoute(ServerState server) : ServerRoute(server, "POST", "/v1/audio/translations")
{
    protected override async Task HandleAsync(RequestState request)
    {
        var form = await FormBody.ReadAsync(request).ConfigureAwait(false);
        await SpeechAnswer.WriteAsync(Server, request, SpeechRun.Check(Server, form, translate: true)).ConfigureAwait(false);
    }
}
