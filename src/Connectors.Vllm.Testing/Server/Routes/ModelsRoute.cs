using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /v1/models: base models first, then LoRA adapters, with vLLM's model card shape.</summary>
internal sealed class ModelsRoute
{
    private readonly ServerState _server;

    public ModelsRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { "GET" }, new[] { "/v1/models" }, HandleAsync);

    private Task HandleAsync(RequestState request)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ordered = _server.Models.Where(m => m.Parent is null).Concat(_server.Models.Where(m => m.Parent is not null));
        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var m in ordered)
            {
                WriteCard(w, m, now);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return HttpOut.WriteJsonAsync(request.Context, 200, json);
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
        w.WriteString("id", "modelperm-" + _server.NewId());
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
