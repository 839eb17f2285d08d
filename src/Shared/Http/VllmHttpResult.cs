namespace Connectors.Vllm.Http;

/// <summary>A small request's outcome from <see cref="VllmTransport"/>: status, body (up to the limit), whether the body
/// went over the limit, where a redirect pointed, the request id (the one sent back in <c>X-Request-Id</c>, else the one
/// sent) and llm-d's dropped reason.</summary>
internal readonly record struct VllmHttpResult(int Status, ReadOnlyMemory<byte> Body, bool TooLarge, Uri? Location = null, string? RequestId = null, string? DroppedReason = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsRedirect => Status is >= 300 and < 400;
}
