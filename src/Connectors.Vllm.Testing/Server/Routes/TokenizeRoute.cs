using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server.Chat;
using Connectors.Vllm.Testing.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /tokenize: a prompt or chat messages (rendered with the chat template) to the toy tokenizer's ids.</summary>
internal sealed class TokenizeRoute
{
    private readonly ServerState _server;

    public TokenizeRoute(ServerState server) => _server = server;

    public void Map(IEndpointRouteBuilder routes) => RouteMap.Map(routes, new[] { "POST" }, new[] { "/tokenize" }, HandleAsync);

    private Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        var model = _server.ResolveModel(body, embedding: null, paramModel: true);
        var tokens = _server.Tokenizer.Split(Text(body));
        var returnStrs = RequestJson.Bool(body, "return_token_strs") ?? false;
        var json = JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", tokens.Count);
            w.WriteNumber("max_model_len", _server.MaxModelLen(model));
            w.WriteStartArray("tokens");
            foreach (var t in tokens)
            {
                w.WriteNumberValue(_server.Tokenizer.Id(t));
            }

            w.WriteEndArray();
            if (returnStrs)
            {
                w.WriteStartArray("token_strs");
                foreach (var t in tokens)
                {
                    w.WriteStringValue(TestTokenizer.TokenString(t));
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("token_strs");
            }

            w.WriteEndObject();
        });
        return HttpOut.WriteJsonAsync(request.Context, 200, json);
    }

    private static string Text(JsonObject body)
    {
        if (body["messages"] is not null)
        {
            var messages = body["messages"] as JsonArray ?? throw VllmProblem.Validation("list_type", new[] { "body", "messages" }, "Input should be a valid list", PyText.Repr(body["messages"]));
            var special = RequestJson.Bool(body, "add_special_tokens") ?? false;
            return (special ? PromptTemplate.Bos : string.Empty) + PromptTemplate.Render(messages, body["tools"] as JsonArray, RequestJson.Bool(body, "add_generation_prompt") ?? true);
        }

        if (body["prompt"] is JsonValue p && p.GetValueKind() == JsonValueKind.String)
        {
            return ((RequestJson.Bool(body, "add_special_tokens") ?? true) ? PromptTemplate.Bos : string.Empty) + p.GetValue<string>();
        }

        throw VllmProblem.Validation("missing", new[] { "body", "prompt" }, "Field required", PyText.Repr(body));
    }
}
