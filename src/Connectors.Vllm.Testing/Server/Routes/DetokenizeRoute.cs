namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /detokenize: token ids back to text.</summary>
internal sealed class DetokenizeRoute(ServerState server) : ServerRoute(server, "POST", "/detokenize")
{
    protected override Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        Server.ResolveModel(body, embedding: null, paramModel: true);
        if (body["tokens"] is not JsonArray tokens)
        {
            throw VllmProblem.Missing(body, "body", "tokens");
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

        return HttpOut.WriteObjectAsync(request.Context, w => w.WriteString("prompt", Server.Tokenizer.Decode(ids)));
    }
}
