using System.Security.Cryptography;

namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>
/// What a server started with <c>--tokenizer-mode mistral</c> checks when it renders the conversation with mistral_common
/// (vLLM issues #9019, #12864): tool-call ids of exactly 9 characters a-z, A-Z, 0-9, and no <c>name</c> on system, user or
/// assistant messages (mistral_common's message models forbid extra keys; its tool message has a <c>name</c>). Its own
/// tool-call ids are 9 such characters.
/// </summary>
internal static class MistralMode
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>Whether the server emulates <c>--tokenizer-mode mistral</c>.</summary>
    public static bool IsOn(VllmTestServerOptions options) => string.Equals(options.TokenizerMode, "mistral", StringComparison.Ordinal);

    /// <summary>A new tool-call id as the Mistral parser makes them.</summary>
    public static string NewToolCallId() => RandomNumberGenerator.GetString(Alphabet, 9);

    /// <summary>Throws vLLM's 400 for the first message mistral_common refuses.</summary>
    public static void Check(JsonArray messages)
    {
        foreach (var message in messages.OfType<JsonObject>())
        {
            var role = message["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : "user";
            if (role is "system" or "user" or "assistant" && message["name"] is JsonValue name)
            {
                // pydantic's text for an extra key (mistral_common's models forbid them), as vLLM passes it on.
                var model = role switch { "system" => "SystemMessage", "assistant" => "AssistantMessage", _ => "UserMessage" };
                throw VllmProblem.Check(
                    $"1 validation error for {model}\nname\n  Extra inputs are not permitted [type=extra_forbidden, input_value={PyText.Repr(name)}, input_type=str]\n    For further information visit https://errors.pydantic.dev/2.11/v/extra_forbidden",
                    null);
            }

            foreach (var id in Ids(message))
            {
                if (!IsValidId(id))
                {
                    throw VllmProblem.Check($"Tool call id was {id} but must be a-z, A-Z, 0-9, with a length of 9.", null);
                }
            }
        }
    }

    private static IEnumerable<string> Ids(JsonObject message)
    {
        if (message["tool_call_id"] is JsonValue toolCallId && toolCallId.GetValueKind() == JsonValueKind.String)
        {
            yield return toolCallId.GetValue<string>();
        }

        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                if (call?["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
                {
                    yield return id.GetValue<string>();
                }
            }
        }
    }

    private static bool IsValidId(string id) => id.Length == 9 && id.All(char.IsAsciiLetterOrDigit);
}
