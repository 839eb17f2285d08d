namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /v1/audio/transcriptions: the transcript in the audio's language (§15).</summary>
internal sealed class TranscriptionsRoute(ServerState server) : SpeechRoute(server, "/v1/audio/transcriptions", translate: false);
