using System.IO;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// The proxy-style rewrite of every request the OpenAI SDK pipeline sends to vLLM, placed at
/// <see cref="PipelinePosition.BeforeTransport"/> so it sees the final request: in bodies this library did not write
/// (the OpenAI SDK's convenience methods; ours are <see cref="VllmJsonContent"/>) drops the fields vLLM must never get
/// (<see cref="VllmRequestBodyRewriter"/>) and asks for usage on every stream; removes SDK attribution headers
/// (<c>OpenAI-Organization</c>, <c>OpenAI-Project</c>, <c>OpenAI-Beta</c>, <c>X-Stainless-*</c>), removes the
/// placeholder <c>Authorization</c> when no key is configured, names this library in <c>User-Agent</c> and adds
/// the configured headers, the session's sticky value and the request id (<see cref="VllmEndpoint.ApplyHeaders"/>, as our
/// own transport does); after the response, captures the session's sticky value (<see cref="VllmEndpoint.Observe"/>).
/// </summary>
/// <remarks>Immutable after construction and safe to share between clients and threads.</remarks>
internal sealed class VllmPayloadPolicy : PipelinePolicy
{
    private const long MaxInspectedBodyBytes = 64L * 1024 * 1024;

    /// <summary>The OpenAI account headers and the attribution headers the OpenAI SDK (2.x) adds to every request.</summary>
    private static readonly string[] DroppedHeaders =
    [
        "OpenAI-Organization", "OpenAI-Project", "OpenAI-Beta",
        "X-Stainless-Lang", "X-Stainless-Package-Version", "X-Stainless-Runtime", "X-Stainless-Runtime-Version", "X-Stainless-OS", "X-Stainless-Arch",
    ];

    private readonly VllmEndpoint _endpoint;

    public VllmPayloadPolicy(VllmEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
    }

    /// <summary>Gets the User-Agent sent with every request: this library and its version, the runtime, the OS.</summary>
    public static string UserAgent { get; } = VllmUserAgent.Value;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        Apply(message.Request);
        ProcessNext(message, pipeline, currentIndex);
        _endpoint.Observe(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        Apply(message.Request);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        _endpoint.Observe(message);
    }

    private void Apply(PipelineRequest request)
    {
        RewriteHeaders(request.Headers);
        if (request.Content is { } content)
        {
            RewriteBody(request, content);
        }
    }

    private void RewriteHeaders(PipelineRequestHeaders headers)
    {
        // By name, without enumerating the headers (every request pays for this policy). A test sends a request through
        // the SDK and asserts that no X-Stainless-* header leaves, so an SDK update that adds one shows there.
        foreach (var name in DroppedHeaders)
        {
            headers.Remove(name);
        }

        if (_endpoint.ApiKey is null)
        {
            // The SDK insists on a credential; without a configured key it carries a placeholder that must not leave.
            headers.Remove("Authorization");
        }

        // The same headers our own transport sends: User-Agent, key, configured headers.
        _endpoint.ApplyHeaders(headers);
    }

    private static void RewriteBody(PipelineRequest request, BinaryContent content)
    {
        if (content is VllmJsonContent)
        {
            return; // Written by this library (the chat and embeddings writers), which never write what the rewrite drops.
        }

        if (!content.TryComputeLength(out var length) || length > MaxInspectedBodyBytes)
        {
            return;
        }

        using var buffer = new MemoryStream((int)length);
        content.WriteTo(buffer);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (json.Length == 0 || json.Span[0] != (byte)'{')
        {
            return;
        }

        // From here on the bytes are our copy: send them as such, so a retry reuses them (and is not rewritten again).
        request.Content = new VllmJsonContent(VllmRequestBodyRewriter.Rewrite(json.Span) ?? json.ToArray());
    }
}
