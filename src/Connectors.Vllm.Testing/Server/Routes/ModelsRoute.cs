namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /v1/models: base models first, then LoRA adapters, with vLLM's model card shape.</summary>
internal sealed class ModelsRoute(ServerState server) : ServerRoute(server, "GET", "/v1/models")
{
    protected override Task HandleAsync(RequestState request)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ordered = Server.Models.Where(m => m.Parent is null).Concat(Server.Models.Where(m => m.Parent is not null));
        return HttpOut.WriteObjectAsync(request.Context, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var m in ordered)
            {
                WriteCard(w, m, now);
            }

            w.WriteEndArray();
        });
    }

    private void WriteCard(Utf8JsonWriter w, VllmTestModel m, long now)
    {
        w.WriteStartObject();
        w.WriteString("id", m.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", now);
        w.WriteString("owned_by", "vllm");
        w.WriteString("root", m.Root ?? m.Id);
        w.WriteStringOrNull("parent", m.Parent);
        if (m.Parent is null)
        {
            w.WriteNumber("max_model_len", m.MaxModelLen);
        }
        else
        {
            w.WriteNull("max_model_len");
        }

        w.WriteStartArray("permission");
        w.WriteStartObject();
        w.WriteString("id", "modelperm-" + Server.NewId());
        w.WriteString("object", "model_permission");
        w.WriteNumber("created", now);
        w.WriteBoolean("allow_create_engine", false);
        w.WriteBoolean("allow_sampling", true);
        w.WriteBoolean("allow_logprobs", true);
        w.WriteBoolean("allow_search_indices", false);
        w.WriteBoolean("allow_view", true);
        w.WriteBoolean("allow_fine_tuning", false);
        w.WriteString("organization", "*");
        w.WriteNull("group");
        w.WriteBoolean("is_blocking", false);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
