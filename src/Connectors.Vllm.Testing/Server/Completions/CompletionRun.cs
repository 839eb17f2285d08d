namespace Connectors.Vllm.Testing.Server.Completions;

/// <summary>
/// One text completion of the scripted server: a fixed sentence naming the prompt's length, cut at <c>max_tokens</c>
/// (vLLM's default 16), with the prompt in front when <c>echo</c> is set and legacy logprobs when <c>logprobs</c> is.
/// </summary>
internal sealed class CompletionRun
{
    public CompletionRun(ServerState server, JsonObject body, VllmTestModel model, string prompt, int promptTokens, int maxTokens)
    {
        Model = model;
        PromptTokens = promptTokens;
        var answer = server.Tokenizer.Split($" This is the test server's completion of a {promptTokens}-token prompt.");
        Tokens = answer.Take(maxTokens).ToList();
        FinishReason = Tokens.Count < answer.Count ? "length" : "stop";
        Echo = RequestJson.Bool(body, "echo") == true ? prompt : null;
        Logprobs = RequestJson.Int(body, "logprobs") is { } n ? (int)n : null;
        IncludeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.GetValueKind() == JsonValueKind.True;
    }

    public VllmTestModel Model { get; }

    public int PromptTokens { get; }

    /// <summary>The generated tokens (the end token, when the answer ends by itself, is counted but not shown).</summary>
    public List<string> Tokens { get; }

    public string FinishReason { get; }

    /// <summary>Counts the end token when the model stopped by itself.</summary>
    public int CompletionTokens => Tokens.Count + (FinishReason == "stop" ? 1 : 0);

    public string? Echo { get; }

    public int? Logprobs { get; }

    public bool IncludeUsage { get; }

    public string Text => (Echo ?? string.Empty) + string.Concat(Tokens);

    /// <summary>The legacy logprobs object (§16.2) of <paramref name="tokens"/>: the sampled token first in each top entry.</summary>
    public void WriteLogprobs(Utf8JsonWriter w, IReadOnlyList<string> tokens, int offset)
    {
        if (Logprobs is not { } alternatives)
        {
            w.WriteNull("logprobs");
            return;
        }

        w.WriteStartObject("logprobs");
        w.WriteStartArray("text_offset");
        foreach (var token in tokens)
        {
            w.WriteNumberValue(offset);
            offset += token.Length;
        }

        w.WriteEndArray();
        w.WriteStartArray("token_logprobs");
        foreach (var _ in tokens)
        {
            w.WritePyFloat(-0.5);
        }

        w.WriteEndArray();
        w.WriteStartArray("tokens");
        foreach (var token in tokens)
        {
            w.WriteStringValue(token);
        }

        w.WriteEndArray();
        w.WriteStartArray("top_logprobs");
        foreach (var token in tokens)
        {
            w.WriteStartObject();
            w.WritePropertyName(token);
            w.WritePyFloat(-0.5);
            for (var i = 1; i <= alternatives; i++)
            {
                w.WritePropertyName("<alt" + i.ToString(CultureInfo.InvariantCulture) + ">");
                w.WritePyFloat(-0.5 - i);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
