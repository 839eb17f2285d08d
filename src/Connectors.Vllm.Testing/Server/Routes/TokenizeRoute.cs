namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /tokenize: a prompt or chat messages (rendered with the chat template) to the toy tokenizer's ids.</summary>
internal sealed class TokenizeRoute(ServerState server) : ServerRoute(server, "POST", "/tokenize")
{
    protected override Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        Validation.ContentParts.CheckShapes(body);
        var model = Server.ResolveModel(body, embedding: null, paramModel: true);
        Validation.ContentParts.CheckModalities(body, model);
        var tokens = Server.Tokenizer.Split(Text(body));
        var returnStrs = RequestJson.Bool(body, "return_token_strs") ?? false;
        return HttpOut.WriteObjectAsync(request.Context, w =>
        {
            w.WriteNumber("count", tokens.Count);
            w.WriteNumber("max_model_len", Server.MaxModelLen(model));
            w.WriteStartArray("tokens");
            foreach (var t in tokens)
            {
                w.WriteNumberValue(Server.Tokenizer.Id(t));
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
        });
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

        throw VllmProblem.Missing(body, "body", "prompt");
    }
}
