using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Connectors.Vllm.Tokenization;

/// <summary>
/// Writes MEAI chat messages and tools in the OpenAI chat-completions JSON shape, through MEAI's own
/// mapping (<c>AsOpenAIChatMessages</c>, <c>AsOpenAIChatTool</c>) and the SDK's serializers, so that
/// <c>/tokenize</c> sees the same messages a chat request would carry.
/// </summary>
internal static class ChatMessageJson
{
    private static readonly ModelReaderWriterOptions WireFormat = new("W");

    public static void WriteMessages(Utf8JsonWriter writer, IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        writer.WriteStartArray("messages");
        foreach (var message in messages.AsOpenAIChatMessages())
        {
            ((IJsonModel<OpenAI.Chat.ChatMessage>)message).Write(writer, WireFormat);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes <c>"tools"</c> when any function declaration is present; other tool kinds are left out.</summary>
    public static void WriteTools(Utf8JsonWriter writer, IList<AITool>? tools)
    {
        if (tools is null || tools.Count == 0)
        {
            return;
        }

        var started = false;
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue;
            }

            if (!started)
            {
                writer.WriteStartArray("tools");
                started = true;
            }

            ((IJsonModel<ChatTool>)function.AsOpenAIChatTool()).Write(writer, WireFormat);
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }
}
