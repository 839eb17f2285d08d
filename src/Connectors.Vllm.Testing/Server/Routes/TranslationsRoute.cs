namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/audio/translations: as <see cref="TranscriptionsRoute"/>, into English, without usage in a whole answer (§15).</summary>
internal sealed class TranslationsRoute(ServerState server) : SpeechRoute(server, "/v1/audio/translations", translate: true);
