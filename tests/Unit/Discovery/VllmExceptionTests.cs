using System.Net;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmExceptionTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Unauthorized", "Set ApiKey.", "vLLM returned 401 (Unauthorized): Unauthorized. Hint: Set ApiKey.")]
    [InlineData(HttpStatusCode.InternalServerError, "engine failed.", "See the log.", "vLLM returned 500 (InternalServerError): engine failed. Hint: See the log.")]
    [InlineData(HttpStatusCode.BadRequest, "bad value?", "Fix it.", "vLLM returned 400 (BadRequest): bad value? Hint: Fix it.")]
    [InlineData(HttpStatusCode.NotFound, "no such model", null, "vLLM returned 404 (NotFound): no such model")]
    [InlineData(null, null, "Retry.", "vLLM request failed. Hint: Retry.")]
    [InlineData(null, "The stream broke after 10 bytes: reset", "See the log.", "vLLM request failed: The stream broke after 10 bytes: reset. Hint: See the log.")]
    public void Message_ServerTextAndHint_JoinedAsSentences(HttpStatusCode? status, string? serverMessage, string? hint, string expected)
    {
        var ex = new VllmException(status, serverMessage, hint);

        Assert.Equal(expected, ex.Message);
        Assert.Equal(serverMessage, ex.ServerMessage);
        Assert.Equal(hint, ex.Hint);
    }

    [Fact]
    public void Ctor_ClientSideWithHint_MessageHasNoVllmHeadAndNoServerMessage()
    {
        var ex = new VllmException("The token-budget reducer cannot fit the prompt", "Shorten it.", innerException: null);

        Assert.Equal("The token-budget reducer cannot fit the prompt. Hint: Shorten it.", ex.Message);
        Assert.Null(ex.ServerMessage);
        Assert.Null(ex.StatusCode);
        Assert.Equal("Shorten it.", ex.Hint);
    }
}
