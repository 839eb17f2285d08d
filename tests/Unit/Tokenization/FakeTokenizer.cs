using System;
using System.Net.Http;
using System.Text.Json;
using Connectors.Vllm.Tests.Unit.TestHttp;

namespace Connectors.Vllm.Tests.Unit.Tokenization;

/// <summary>
/// A deterministic stand-in for vLLM's /tokenize: every message costs 4 template tokens plus one token per
/// whitespace-separated word of its text (content string or text parts, tool-call arguments, tool results);
/// every tool costs 10. Plain prompts cost one token per word.
/// </summary>
internal static class FakeTokenizer
{
    public static int Count(JsonElement body)
    {
        var count = 0;
        if (body.TryGetProperty("prompt", out var prompt))
        {
            return Words(prompt.GetString());
        }

        foreach (var message in body.GetProperty("messages").EnumerateArray())
        {
            count += 4;
            if (message.TryGetProperty("content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    count += Words(content.GetString());
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        if (part.TryGetProperty("text", out var text))
                        {
                            count += Words(text.GetString());
                        }
                    }
                }
            }

            if (message.TryGetProperty("tool_calls", out var calls))
            {
                foreach (var call in calls.EnumerateArray())
                {
                    count += 2 + Words(call.GetProperty("function").GetProperty("arguments").GetString());
                }
            }
        }

        if (body.TryGetProperty("tools", out var tools))
        {
            count += 10 * tools.GetArrayLength();
        }

        if (body.TryGetProperty("add_generation_prompt", out var gen) && gen.GetBoolean())
        {
            count += 2;
        }

        return count;
    }

    public static Func<InMemoryRequest, HttpResponseMessage> Responder(int maxModelLen)
        => request =>
        {
            var count = Count(request.Json);
            var tokens = string.Join(",", new int[count]);
            return InMemoryHandler.Json($$"""{"count":{{count}},"max_model_len":{{maxModelLen}},"tokens":[{{tokens}}],"token_strs":null}""");
        };

    private static int Words(string? text)
        => string.IsNullOrWhiteSpace(text) ? 0 : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
