using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Makes reasoning and usage visible to Semantic Kernel callers. SK's <c>IChatClient</c> adapter keeps only text,
/// images and function calls of a response, and each update's <c>AdditionalProperties</c> as the item's metadata;
/// so the reasoning text and the usage are copied there: <c>Metadata["reasoning"]</c> (the text, or in a stream the
/// delta) and, in a stream, <c>Metadata["Usage"]</c> (the <see cref="UsageContent"/>, as SK's own function-invocation
/// layer stores it; a non-streamed answer already carries <c>Metadata["Usage"]</c> as a <see cref="UsageDetails"/>).
/// </summary>
internal sealed class VllmKernelContentChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    internal const string ReasoningKey = "reasoning";
    internal const string UsageKey = "Usage";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages)
        {
            StringBuilder? reasoning = null;
            foreach (var content in message.Contents)
            {
                if (content is TextReasoningContent { Text.Length: > 0 } r)
                {
                    (reasoning ??= new()).Append(r.Text);
                }
            }

            if (reasoning is not null)
            {
                (message.AdditionalProperties ??= [])[ReasoningKey] = reasoning.ToString();
            }
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
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
}
