using System;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;

namespace DocsSamples;

/// <summary>Snippets of docs/scale-out.md.</summary>
public static class ScaleOutSamples
{
    /// <summary>Session affinity and request ids behind production-stack or llm-d.</summary>
    public static async Task SessionsAndRequestIdsAsync(string conversationId, int turn, string question)
    {
        #region snippet_scale_out_sessions
        // production-stack with routingLogic: session and sessionKey: x-user-id
        var productionStack = new VllmProviderOptions
        {
            BaseUrl = new Uri("http://vllm-router-service/v1"),
            SessionHeaderName = "x-user-id",            // the router's --session-key
        };

        // llm-d with the session-affinity filter's token strategy
        var llmD = new VllmProviderOptions
        {
            BaseUrl = new Uri("http://inference-gateway/v1"),
            StickyResponseHeader = "x-session-token",   // kept per session id and sent back on its next request
        };

        // llm-d with prefill/decode disaggregation: one filter instance per profile, each writing its own token
        var llmDPrefillDecode = new VllmProviderOptions
        {
            BaseUrl = new Uri("http://inference-gateway/v1"),
            StickyResponseHeader = "x-session-token,x-session-token-prefill",   // decode pod, prefill pod: both sent back
        };

        using IChatClient client = new VllmChatClient(productionStack, "facebook/opt-125m");
        ChatOptions options = new ChatOptions()
            .WithSessionId(conversationId)               // every turn of the conversation → the same engine
            .WithRequestId($"{conversationId}-{turn}");  // X-Request-Id: one id in the router's and vLLM's logs
        try
        {
            ChatResponse response = await client.GetResponseAsync(question, options);
            Console.WriteLine($"{response.Text} (request {response.AdditionalProperties?["request_id"]})");
        }
        catch (VllmException ex)
        {
            // Retries (408, 429, 503) are over; llm-d's x-llm-d-request-dropped-reason is on the exception.
            Console.WriteLine($"{ex.StatusCode} request {ex.RequestId} {ex.RequestDroppedReason}: {ex.Message}");
        }
        #endregion
        GC.KeepAlive(llmD);
        GC.KeepAlive(llmDPrefillDecode);
    }
}
