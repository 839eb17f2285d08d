using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /detokenize: token ids back to text.</summary>
internal sealed class DetokenizeRoute
{
    private readonly ServerState _server;

    public DetokenizeRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { "POST" }, new[] { "/detokenize" }, HandleAsync);

    private Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        _server.ResolveModel(body, embedding: null, paramModel: true);
        if (body["tokens"] is not JsonArray tokens)
        {
            throw VllmProblem.Validation("missing", new[] { "body", "tokens" }, "Field required", PyText.Repr(body));
        }

        var ids = new List<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is not JsonValue v || !v.TryGetValue<int>(out var id) || id < 0)
            {
                throw VllmProblem.Validation("greater_than_equal", new[] { "body", "tokens", i.ToString(CultureInfo.InvariantCulture) },
                    "Input should be greater than or equal to 0", PyText.Repr(tokens[i]));
            }

            ids.Add(id);
        }

        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("prompt", _server.Tokenizer.Decode(ids));
            w.WriteEndObject();
        });
        return HttpOut.WriteJsonAsync(request.Context, 200, json);
    }
}
