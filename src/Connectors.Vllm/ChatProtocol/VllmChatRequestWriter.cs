using System.Buffers;
using Connectors.Vllm.Pipeline;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// Writes the <c>/v1/chat/completions</c> body. Messages, tools and JSON-schema formats are mapped by MEAI's public
/// OpenAI helpers (<c>AsOpenAIChatMessages</c>, <c>AsOpenAIChatTool</c>, <c>AsOpenAIChatResponseFormat</c>) and
/// serialized by the SDK's own <see cref="IJsonModel{T}"/> writers, except messages with images, audio or video, which
/// <see cref="VllmChatMedia"/> writes in vLLM's part shapes; everything else is written here, field by field.
/// </summary>
/// <remarks>
/// Why write the body here rather than patch a <see cref="ChatCompletionOptions"/>: the OpenAI-only fields are
/// then never written at all (nothing to strip later), vLLM's extras and version-dependent forms
/// (<c>max_tokens</c>/<c>max_completion_tokens</c>, <c>structured_outputs</c>/<c>guided_*</c>, tool <c>strict</c>) are
/// decided in one place, and the body is produced in one pass into one buffer. A caller's
/// <see cref="ChatOptions.RawRepresentationFactory"/> result is honoured: its fields are copied first and win.
/// Fields vLLM must never get (<see cref="VllmRequestBodyRewriter.IsNeverSent"/>) are not written, so
/// <see cref="VllmPayloadPolicy"/> leaves the body alone.
/// </remarks>
internal static class VllmChatRequestWriter
{
    private static readonly ModelReaderWriterOptions WireOptions = new("J");

    /// <summary>A scratch buffer kept for the thread's next body only up to this size (a body of images is not kept).</summary>
    private const int MaxKeptScratchBytes = 64 * 1024;

    private static readonly JsonWriterOptions ScratchOptions = new() { SkipValidation = true };

    /// <summary>This thread's scratch buffer and its writer, reused by the next body; <see langword="null"/> while a body
    /// is being written (a nested call, e.g. from a <see cref="ChatOptions.RawRepresentationFactory"/>, makes its own).</summary>
    [ThreadStatic]
    private static Scratch? _scratch;

    /// <summary>The body, in an array of its exact size (a retry sends the same bytes). It is written into this thread's
    /// scratch buffer and copied out once: no buffer or writer is allocated per request.</summary>
    public static ReadOnlyMemory<byte> Write(IEnumerable<MeaiChatMessage> messages, ChatOptions? options, VllmChatRequest request, IChatClient client)
    {
        if (request.InlineMediaBytes > MaxKeptScratchBytes / 2)
        {
            return WriteLarge(messages, options, request, client);
        }

        var scratch = _scratch ?? new Scratch();
        _scratch = null;
        try
        {
            var writer = scratch.Start();
            WriteBody(writer, messages, options, request, client);
            writer.Flush();
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (scratch.Buffer.Capacity <= MaxKeptScratchBytes)
            {
                _scratch = scratch;
            }
        }
    }

    /// <summary>A body with inline media: one buffer sized up front for the base64 of the media (no regrowth), handed over
    /// as is (no copy) and not kept for the thread.</summary>
    private static ReadOnlyMemory<byte> WriteLarge(IEnumerable<MeaiChatMessage> messages, ChatOptions? options, VllmChatRequest request, IChatClient client)
    {
        var capacity = (int)Math.Min(Array.MaxLength, (request.InlineMediaBytes + 2) / 3 * 4 + 16 * 1024);
        var buffer = new ArrayBufferWriter<byte>(capacity);
        using var writer = new Utf8JsonWriter(buffer, ScratchOptions);
        WriteBody(writer, messages, options, request, client);
        writer.Flush();
        return buffer.WrittenMemory;
    }

    private static void WriteBody(Utf8JsonWriter writer, IEnumerable<MeaiChatMessage> messages, ChatOptions? options, VllmChatRequest request, IChatClient client)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, request.ModelId);
        WriteMessages(writer, messages, options?.Instructions, request.ReasoningField, request.SendMessageNames);

        if (options is not null)
        {
            // The fields written so far, so that no source (raw options, typed options, extras) writes one twice.
            var written = new HashSet<string>(StringComparer.Ordinal) { "model", "messages" };
            WriteRaw(writer, options, client, request, written);
            WriteTyped(writer, options, request, written);
            WriteReasoning(writer, request, written);
            WriteExtras(writer, options, request, written);
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
            writer.WritePropertyName("stream_options"u8);
            writer.WriteStartObject();
            writer.WriteBoolean("include_usage"u8, true);
            if (options?.AdditionalProperties?.TryGetValue(VllmChatOptionsExtensions.ContinuousUsageStats, out var continuous) == true && continuous is true)
            {
                writer.WriteBoolean("continuous_usage_stats"u8, true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"messages"</c> as every request that sends a conversation carries it (chat and <c>/tokenize</c>):
    /// <paramref name="instructions"/> merged into the system prompt, the history's reasoning under
    /// <paramref name="reasoningField"/> (none when <see langword="null"/>), authors as <c>name</c> unless
    /// <paramref name="sendNames"/> is <see langword="false"/>.</summary>
    internal static void WriteMessages(Utf8JsonWriter writer, IEnumerable<MeaiChatMessage> messages, string? instructions, string? reasoningField, bool sendNames = true)
    {
        writer.WritePropertyName("messages"u8);
        writer.WriteStartArray();
        var merged = MergeInstructions(messages, instructions);
        if (!sendNames)
        {
            merged = WithoutAuthorNames(merged);
        }

        if (reasoningField is null && !AnyOwnParts(merged))
        {
            foreach (var message in merged.AsOpenAIChatMessages())
            {
                ((IJsonModel<OpenAIChatMessage>)message).Write(writer, WireOptions);
            }
        }
        else
        {
            // Messages one by one. Media: a system, user or developer message with images, audio or video is written by
            // VllmChatMedia in vLLM's part shapes (MEAI's mapping drops video and most audio, and sends a PDF as a part
            // vLLM rejects). Interleaved thinking: vLLM takes an assistant message's earlier reasoning back ("reasoning";
            // older servers "reasoning_content") and hands it to the chat template, which decides what the model sees.
            // MEAI's mapping drops TextReasoningContent, so the field is added to the assistant message it becomes.
            foreach (var meaiMessage in merged)
            {
                if (VllmChatMedia.WritesOwnParts(meaiMessage))
                {
                    VllmChatMedia.WriteMessage(writer, meaiMessage);
                    continue;
                }

                var reasoning = reasoningField is not null && meaiMessage.Role == ChatRole.Assistant ? ReasoningText(meaiMessage) : null;
                foreach (var message in new[] { meaiMessage }.AsOpenAIChatMessages())
                {
                    if (reasoning is not null && message is AssistantChatMessage)
                    {
                        WriteWithReasoning(writer, message, reasoningField!, reasoning);
                        reasoning = null;
                    }
                    else
                    {
                        ((IJsonModel<OpenAIChatMessage>)message).Write(writer, WireOptions);
                    }
                }
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>The messages with <see cref="MeaiChatMessage.AuthorName"/> cleared (on copies; the caller's are left alone), so
    /// that MEAI's mapping writes no <c>name</c>: servers in Mistral tokenizer mode reject it.</summary>
    private static IEnumerable<MeaiChatMessage> WithoutAuthorNames(IEnumerable<MeaiChatMessage> messages)
    {
        List<MeaiChatMessage>? copy = null;
        var index = 0;
        foreach (var message in messages)
        {
            if (message.AuthorName is not null)
            {
                copy ??= new List<MeaiChatMessage>(messages);
                var clone = message.Clone();
                clone.AuthorName = null;
                copy[index] = clone;
            }

            index++;
        }

        return copy ?? messages;
    }

    /// <summary>Whether a message of <paramref name="messages"/> is written with vLLM's media parts (see
    /// <see cref="VllmChatMedia.WritesOwnParts"/>).</summary>
    private static bool AnyOwnParts(IEnumerable<MeaiChatMessage> messages)
    {
        if (messages is IList<MeaiChatMessage> list)
        {
            // Indexed: no enumerator allocated on every request.
            for (var i = 0; i < list.Count; i++)
            {
                if (VllmChatMedia.WritesOwnParts(list[i]))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var message in messages)
        {
            if (VllmChatMedia.WritesOwnParts(message))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an assistant message of <paramref name="messages"/> has reasoning to send back.</summary>
    internal static bool HasAssistantReasoning(IEnumerable<MeaiChatMessage> messages)
    {
        if (messages is IList<MeaiChatMessage> list)
        {
            // Indexed: no enumerator allocated on every request.
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Role == ChatRole.Assistant && ReasoningText(list[i]) is not null)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Assistant && ReasoningText(message) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message's reasoning texts joined, or <see langword="null"/> when it has none.</summary>
    internal static string? ReasoningText(MeaiChatMessage message)
    {
        string? single = null;
        System.Text.StringBuilder? joined = null;
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent { Text.Length: > 0 } reasoning)
            {
                if (single is null)
                {
                    single = reasoning.Text;
                }
                else
                {
                    (joined ??= new System.Text.StringBuilder(single)).Append(reasoning.Text);
                }
            }
        }

        return joined?.ToString() ?? single;
    }

    /// <summary>Writes the SDK's JSON of <paramref name="message"/> with the reasoning field added before its closing brace.</summary>
    private static void WriteWithReasoning(Utf8JsonWriter writer, OpenAIChatMessage message, string fieldName, string reasoning)
    {
        var sdk = new ArrayBufferWriter<byte>(256);
        using (var inner = new Utf8JsonWriter(sdk, new JsonWriterOptions { SkipValidation = true }))
        {
            ((IJsonModel<OpenAIChatMessage>)message).Write(inner, WireOptions);
        }

        if (sdk.WrittenCount < 2 || sdk.WrittenSpan[^1] != (byte)'}')
        {
            writer.WriteRawValue(sdk.WrittenSpan, skipInputValidation: true); // not an object: as the SDK wrote it
            return;
        }

        var extra = new ArrayBufferWriter<byte>(reasoning.Length + 32);
        using (var inner = new Utf8JsonWriter(extra))
        {
            inner.WriteStartObject();
            inner.WriteString(fieldName, reasoning);
            inner.WriteEndObject();
        }

        // {"role":"assistant",…}  +  {"reasoning":"…"}  →  {"role":"assistant",…,"reasoning":"…"}
        var head = sdk.WrittenSpan[..^1];    // without its closing brace
        var field = extra.WrittenSpan[1..];  // without its opening brace
        var comma = head.Length > 1 ? 1 : 0; // none after a bare "{"
        var whole = new byte[head.Length + comma + field.Length];
        head.CopyTo(whole);
        if (comma == 1)
        {
            whole[head.Length] = (byte)',';
        }

        field.CopyTo(whole.AsSpan(head.Length + comma));
        writer.WriteRawValue(whole, skipInputValidation: true);
    }

    /// <summary>Puts <see cref="ChatOptions.Instructions"/> into the first system message (a new one at the start
    /// when there is none), so the server gets one system prompt, not two.</summary>
    private static IEnumerable<MeaiChatMessage> MergeInstructions(IEnumerable<MeaiChatMessage> messages, string? instructions)
    {
        if (string.IsNullOrWhiteSpace(instructions))
        {
            return messages;
        }

        var list = new List<MeaiChatMessage>(messages);
        var index = list.FindIndex(m => m.Role == ChatRole.System);
        if (index < 0)
        {
            list.Insert(0, new MeaiChatMessage(ChatRole.System, instructions));
            return list;
        }

        var system = list[index];
        var allText = true;
        foreach (var content in system.Contents)
        {
            allText &= content is TextContent;
        }

        var contents = allText
            ? new List<AIContent> { new TextContent(instructions + "\n\n" + system.Text) }
            : new List<AIContent>(system.Contents) { };
        if (!allText)
        {
            contents.Insert(0, new TextContent(instructions));
        }

        list[index] = new MeaiChatMessage(ChatRole.System, contents) { AuthorName = system.AuthorName, MessageId = system.MessageId };
        return list;
    }

    /// <summary>Copies the fields of a caller-built <see cref="ChatCompletionOptions"/> (minus what vLLM must not get).</summary>
    private static void WriteRaw(Utf8JsonWriter writer, ChatOptions options, IChatClient client, VllmChatRequest request, HashSet<string> written)
    {
        if (options.RawRepresentationFactory?.Invoke(client) is not ChatCompletionOptions raw)
        {
            return;
        }

        var json = ((IPersistableModel<ChatCompletionOptions>)raw).Write(WireOptions);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var name = property.Name;
            if (name is "messages" or "model" or "stream" or "stream_options" || VllmRequestBodyRewriter.IsNeverSent(name))
            {
                continue;
            }

            if (name is "max_completion_tokens" or "max_tokens")
            {
                name = request.Features.UseMaxCompletionTokens ? "max_completion_tokens" : "max_tokens";
                written.Add("max_tokens");
                written.Add("max_completion_tokens");
            }

            if (written.Add(name) || name is "max_tokens" or "max_completion_tokens")
            {
                writer.WritePropertyName(name);
                property.Value.WriteTo(writer);
            }
        }
    }

    private static void WriteTyped(Utf8JsonWriter writer, ChatOptions options, VllmChatRequest request, HashSet<string> written)
    {
        WriteNumber(writer, "temperature", options.Temperature, written);
        WriteNumber(writer, "top_p", options.TopP, written);
        WriteNumber(writer, "frequency_penalty", options.FrequencyPenalty, written);
        WriteNumber(writer, "presence_penalty", options.PresencePenalty, written);
        if (options.TopK is { } topK && written.Add("top_k"))
        {
            writer.WriteNumber("top_k"u8, topK);
        }

        if (options.Seed is { } seed && written.Add("seed"))
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (options.MaxOutputTokens is { } maxTokens && written.Add("max_tokens") & written.Add("max_completion_tokens"))
        {
            writer.WriteNumber(request.Features.UseMaxCompletionTokens ? "max_completion_tokens"u8 : "max_tokens"u8, maxTokens);
        }

        if (options.StopSequences is { Count: > 0 } stops && written.Add("stop"))
        {
            writer.WriteStartArray("stop"u8);
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        var wroteTools = WriteTools(writer, options, request, written);
        if (wroteTools && options.ToolMode is { } mode && written.Add("tool_choice"))
        {
            writer.WritePropertyName("tool_choice"u8);
            switch (mode)
            {
                case NoneChatToolMode:
                    writer.WriteStringValue("none"u8);
                    break;
                case RequiredChatToolMode { RequiredFunctionName: { } name }:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "function"u8);
                    writer.WritePropertyName("function"u8);
                    writer.WriteStartObject();
                    writer.WriteString("name"u8, name);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                case RequiredChatToolMode:
                    // A version before "required" rejects it: "auto" there, and the client checks the answer for a call.
                    writer.WriteStringValue(request.Features.RequiredToolChoice ? "required"u8 : "auto"u8);
                    break;
                default:
                    writer.WriteStringValue("auto"u8);
                    break;
            }
        }

        if (wroteTools && options.AllowMultipleToolCalls is { } parallel && written.Add("parallel_tool_calls"))
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }

        if (options.ResponseFormat is { } format and not ChatResponseFormatText && written.Add("response_format"))
        {
#pragma warning disable OPENAI001 // AsOpenAIChatResponseFormat is experimental; it is MEAI's own JSON-schema mapping, reused rather than rewritten.
            var openAIFormat = format.AsOpenAIChatResponseFormat(options);
#pragma warning restore OPENAI001
            if (openAIFormat is not null)
            {
                writer.WritePropertyName("response_format"u8);
                ((IJsonModel<OpenAI.Chat.ChatResponseFormat>)openAIFormat).Write(writer, WireOptions);
            }
        }
    }

    private static bool WriteTools(Utf8JsonWriter writer, ChatOptions options, VllmChatRequest request, HashSet<string> written)
    {
        if (written.Contains("tools"))
        {
            return true; // the caller's raw options carried them
        }

        if (!WriteTools(writer, options.Tools, request.Features.ToolStrict))
        {
            return false;
        }

        written.Add("tools");
        return true;
    }

    /// <summary>Writes <c>"tools"</c> as every request that sends tools carries it (chat and <c>/tokenize</c>): function
    /// declarations only (vLLM has no hosted tools), without <c>function.strict</c> unless <paramref name="toolStrict"/>.</summary>
    /// <returns>Whether anything was written.</returns>
    internal static bool WriteTools(Utf8JsonWriter writer, IList<AITool>? tools, bool toolStrict)
    {
        if (tools is not { Count: > 0 })
        {
            return false;
        }

        var any = false;
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue; // vLLM accepts only function tools; hosted tools have no meaning there.
            }

            if (!any)
            {
                writer.WriteStartArray("tools"u8);
                any = true;
            }

            var chatTool = function.AsOpenAIChatTool();
            if (toolStrict || chatTool.FunctionSchemaIsStrict is null)
            {
                ((IJsonModel<ChatTool>)chatTool).Write(writer, WireOptions);
            }
            else
            {
                WriteWithoutStrict(writer, ((IPersistableModel<ChatTool>)chatTool).Write(WireOptions));
            }
        }

        if (any)
        {
            writer.WriteEndArray();
        }

        return any;
    }

    /// <summary>Copies a tool definition without <c>function.strict</c>, for servers that reject it.</summary>
    private static void WriteWithoutStrict(Utf8JsonWriter writer, BinaryData tool)
    {
        using var document = JsonDocument.Parse(tool);
        writer.WriteStartObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("function"u8) && property.Value.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName("function"u8);
                writer.WriteStartObject();
                foreach (var inner in property.Value.EnumerateObject())
                {
                    if (!inner.NameEquals("strict"u8))
                    {
                        inner.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes what <see cref="VllmChatRequest"/> decided about reasoning: <c>reasoning_effort</c> and
    /// <c>include_reasoning: false</c>.</summary>
    private static void WriteReasoning(Utf8JsonWriter writer, VllmChatRequest request, HashSet<string> written)
    {
        if (request.ExcludeReasoning && written.Add(VllmChatOptionsExtensions.IncludeReasoning))
        {
            writer.WriteBoolean("include_reasoning"u8, false);
        }

        if (request.ReasoningEffort is { } effort && written.Add(VllmChatOptionsExtensions.ReasoningEffort))
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }
    }

    /// <summary>The reasoning effort the caller asked for, as a vLLM value, or <see langword="null"/>: the
    /// <c>reasoning_effort</c> extra wins over <see cref="ReasoningOptions.Effort"/>.</summary>
    /// <exception cref="ArgumentException">The value is not one vLLM knows.</exception>
    internal static string? RequestedEffort(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        if (options.AdditionalProperties?.TryGetValue(VllmChatOptionsExtensions.ReasoningEffort, out var value) == true && value is not null)
        {
            return NormalizeEffort(value.ToString() ?? string.Empty);
        }

        return options.Reasoning?.Effort switch
        {
            null => null,
            ReasoningEffort.None => "none",
            ReasoningEffort.Low => "low",
            ReasoningEffort.Medium => "medium",
            ReasoningEffort.High => "high",
            ReasoningEffort.ExtraHigh => "xhigh",
            { } level => throw new ArgumentException($"ReasoningEffort '{level}' has no vLLM equivalent. vLLM accepts none, minimal, low, medium, high, xhigh and max.", nameof(options)),
        };
    }

    /// <summary>Whether the caller asked for no reasoning output (<see cref="ReasoningOutput.None"/>) and did not set
    /// <c>include_reasoning</c> itself (which wins).</summary>
    internal static bool RequestsNoReasoningOutput(ChatOptions? options)
        => options?.Reasoning?.Output == ReasoningOutput.None
            && options.AdditionalProperties?.ContainsKey(VllmChatOptionsExtensions.IncludeReasoning) != true;

    internal static string NormalizeEffort(string value)
    {
        var text = value.Trim().ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        return text switch
        {
            "none" or "minimal" or "low" or "medium" or "high" or "xhigh" or "max" => text,
            "off" or "disabled" => "none",
            "min" => "minimal",
            "extrahigh" or "veryhigh" => "xhigh",
            "maximum" => "max",
            _ => throw new ArgumentException($"'{value}' is not a reasoning effort vLLM accepts. Use one of: none, minimal, low, medium, high, xhigh, max.", nameof(value)),
        };
    }

    private static void WriteExtras(Utf8JsonWriter writer, ChatOptions options, VllmChatRequest request, HashSet<string> written)
    {
        if (options.AdditionalProperties is not { Count: > 0 } properties)
        {
            return;
        }

        foreach (var (name, value) in properties)
        {
            if (name is VllmChatOptionsExtensions.ReasoningEffort or VllmChatOptionsExtensions.ContinuousUsageStats || !VllmChatOptionsExtensions.FieldNames.Contains(name))
            {
                continue;
            }

            if (name == VllmChatOptionsExtensions.StructuredOutputs && value is VllmStructuredOutputs structured)
            {
                if (request.Features.StructuredOutputs)
                {
                    if (written.Add(name))
                    {
                        writer.WritePropertyName("structured_outputs"u8);
                        structured.WriteStructuredOutputs(writer);
                    }
                }
                else
                {
                    structured.WriteGuidedFields(writer, written);
                }

                continue;
            }

            if (value is null || !written.Add(name))
            {
                continue;
            }

            writer.WritePropertyName(name);
            VllmJsonValueWriter.Write(writer, name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, float? value, HashSet<string> written)
    {
        if (value is { } v && written.Add(name))
        {
            writer.WriteNumber(name, v);
        }
    }

    /// <summary>A buffer and the writer over it, reset before each body.</summary>
    private sealed class Scratch
    {
        private readonly Utf8JsonWriter _writer;

        public Scratch()
        {
            Buffer = new ArrayBufferWriter<byte>(1024);
            _writer = new Utf8JsonWriter(Buffer, ScratchOptions);
        }

        public ArrayBufferWriter<byte> Buffer { get; }

        /// <summary>Empties the buffer and returns the writer, ready for a new document.</summary>
        public Utf8JsonWriter Start()
        {
            Buffer.ResetWrittenCount();
            _writer.Reset();
            return _writer;
        }
    }
}
