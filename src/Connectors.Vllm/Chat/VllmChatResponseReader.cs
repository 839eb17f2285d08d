using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>Reads a non-streaming <c>chat.completion</c> body straight into a <see cref="ChatResponse"/>.</summary>
internal static class VllmChatResponseReader
{
    /// <summary>Response fields vLLM adds that are surfaced in <see cref="ChatResponse.AdditionalProperties"/> when not null.</summary>
    private static readonly string[] ResponseExtras = ["prompt_logprobs", "prompt_token_ids", "prompt_text", "kv_transfer_params", "ec_transfer_params", "metrics"];

    /// <summary>Choice fields surfaced the same way (<c>stop_reason</c> is a string or a token id).</summary>
    private static readonly string[] ChoiceExtras = ["logprobs", "token_ids", "routed_experts"];

    public static ChatResponse Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            return ReadCore(body);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // JsonElement.GetString on invalid UTF-8 (or a getter on a wrong kind): the body is not valid JSON for us.
            throw new JsonException(ex.Message, ex);
        }
    }

    private static ChatResponse ReadCore(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            throw new VllmException(null, "The server's answer is not a chat completion (it has no choices).", "Check that BaseUrl points at an OpenAI-compatible /v1 endpoint.");
        }

        var id = GetString(root, "id");
        var message = new ChatMessage(ChatRole.Assistant, new List<AIContent>()) { MessageId = id };
        var response = new ChatResponse(message)
        {
            ResponseId = id,
            ModelId = GetString(root, "model"),
            RawRepresentation = BinaryData.FromBytes(body),
        };

        if (root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds) && seconds is >= -62135596800 and <= 253402300799)
        {
            response.CreatedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        AdditionalPropertiesDictionary? extras = null;
        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.GetInt32() != 0)
            {
                continue; // Only the first choice is read back (n > 1 is rare and has no MEAI shape).
            }

            if (choice.TryGetProperty("message", out var wireMessage) && wireMessage.ValueKind == JsonValueKind.Object)
            {
                ReadMessage(wireMessage, message);
            }

            if (choice.TryGetProperty("finish_reason", out var finish))
            {
                response.FinishReason = VllmChatWire.MapFinishReason(finish);
            }

            if (choice.TryGetProperty("stop_reason", out var stopReason) && stopReason.ValueKind != JsonValueKind.Null)
            {
                (extras ??= [])["stop_reason"] = stopReason.ValueKind switch
                {
                    JsonValueKind.String => stopReason.GetString(),
                    JsonValueKind.Number when stopReason.TryGetInt64(out var tokenId) => tokenId,
                    _ => stopReason.Clone(),
                };
            }

            AddExtras(choice, ChoiceExtras, ref extras);
        }

        if (root.TryGetProperty("system_fingerprint", out var fingerprint) && fingerprint.ValueKind == JsonValueKind.String)
        {
            (extras ??= [])["system_fingerprint"] = fingerprint.GetString();
        }

        AddExtras(root, ResponseExtras, ref extras);
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            response.Usage = VllmChatWire.ReadUsage(usage).ToUsageDetails();
        }

        response.AdditionalProperties = extras;
        message.AdditionalProperties = extras;
        return response;
    }

    private static void ReadMessage(JsonElement wire, ChatMessage message)
    {
        // Reasoning first (the order the model produced it), under either name, never both.
        var reasoning = GetString(wire, "reasoning");
        if (string.IsNullOrEmpty(reasoning))
        {
            reasoning = GetString(wire, "reasoning_content");
        }

        if (!string.IsNullOrEmpty(reasoning))
        {
            message.Contents.Add(new TextReasoningContent(reasoning));
        }

        var content = GetString(wire, "content");
        if (!string.IsNullOrEmpty(content))
        {
            message.Contents.Add(new TextContent(content));
        }

        var refusal = GetString(wire, "refusal");
        if (!string.IsNullOrEmpty(refusal))
        {
            message.Contents.Add(new ErrorContent(refusal) { ErrorCode = "refusal" });
        }

        if (wire.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var name = GetString(function, "name");
                if (string.IsNullOrEmpty(name))
                {
                    continue;
                }

                var callId = GetString(call, "id") ?? $"call_{position}";
                message.Contents.Add(VllmChatWire.CreateFunctionCall(callId, name, GetString(function, "arguments")));
                position++;
            }
        }
    }

    private static void AddExtras(JsonElement element, string[] names, ref AdditionalPropertiesDictionary? extras)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                (extras ??= [])[name] = value.Clone();
            }
        }
    }

    private static string? GetString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
