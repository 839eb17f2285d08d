namespace Connectors.Vllm.Discovery;

/// <summary>A small GET's outcome: status, body (up to the limit), and whether the body went over the limit.</summary>
internal readonly record struct VllmHttpResult(int Status, byte[] Body, bool TooLarge, System.Uri? Location = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsRedirect => Status is >= 300 and < 400;

    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public System.TimeSpan? RetryAfter { get; init; }
}
