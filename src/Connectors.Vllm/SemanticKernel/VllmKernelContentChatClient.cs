using System.Runtime.CompilerServices;
using Connectors.Vllm.ChatProtocol;

namespace Connectors.Vllm.SemanticKernel;

/// <summary>
/// Makes reasoning and usage visible to Semantic Kernel callers. SK's <c>IChatClient</c> adapter keeps only text,
/// images and function calls of a response, and each update's <c>AdditionalProperties</c> as the item's metadata;
/// so the reasoning text and the usage are copied there: <c>Metadata["reasoning"]</c> (the text, or in a stream the
/// delta) and, in a stream, <c>Metadata["Usage"]</c> (the <see cref="UsageContent"/>, as SK's own function-invocation
/// layer stores it; a non-streamed answer already carries <c>Metadata["Usage"]</c> as a <see cref="UsageDetails"/>).
/// On the way in, an assistant message of the history whose metadata holds <c>"reasoning"</c> gets it back as a
/// <see cref="TextReasoningContent"/>, so the reasoning of earlier turns is sent back to vLLM.
/// </summary>
internal sealed class VllmKernelContentChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    internal const string ReasoningKey = "reasoning";
    internal const string UsageKey = "Usage";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(WithReasoningContents(messages), options, cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages)
        {
            if (VllmChatRequestWriter.ReasoningText(message) is { } reasoning)
            {
                (message.AdditionalProperties ??= [])[ReasoningKey] = reasoning;
            }
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(WithReasoningContents(messages), options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent { Text.Length: > 0 } reasoning:
                        (update.AdditionalProperties ??= [])[ReasoningKey] = reasoning.Text;
                        break;
                    case UsageContent usage:
                        (update.AdditionalProperties ??= [])[UsageKey] = usage;
                        break;
                }
            }

            yield return update;
        }
    }

    /// <summary>
    /// The way back: SK turns a <c>ChatMessageContent</c>'s metadata into the message's <c>AdditionalProperties</c>, so an
    /// assistant message from an earlier turn carries its reasoning as <c>"reasoning"</c> text only. Such messages get a
    /// <see cref="TextReasoningContent"/> again (on a copy; the caller's history is not changed), so the vLLM client sends
    /// the reasoning back as it does for MEAI callers.
    /// </summary>
    internal static IEnumerable<ChatMessage> WithReasoningContents(IEnumerable<ChatMessage> messages)
    {
        var list = messages as IList<ChatMessage> ?? new List<ChatMessage>(messages); // a lazy sequence runs once
        List<ChatMessage>? copy = null;
        for (var index = 0; index < list.Count; index++)
        {
            var message = list[index];
            if (message.Role == ChatRole.Assistant
                && message.AdditionalProperties?.TryGetValue(ReasoningKey, out var value) == true
                && value is string { Length: > 0 } reasoning
                && VllmChatRequestWriter.ReasoningText(message) is null)
            {
                copy ??= new List<ChatMessage>(list);
                var contents = new List<AIContent>(message.Contents.Count + 1) { new TextReasoningContent(reasoning) };
                contents.AddRange(message.Contents);
                copy[index] = new ChatMessage(message.Role, contents)
                {
                    AuthorName = message.AuthorName,
                    MessageId = message.MessageId,
                    CreatedAt = message.CreatedAt,
                    RawRepresentation = message.RawRepresentation,
                    AdditionalProperties = message.AdditionalProperties,
                };
            }
        }

        return copy ?? list;
    }
}
