using System.Net;

namespace Connectors.Vllm;

/// <summary>
/// The one exception type this library throws for a failed exchange with a vLLM (or other
/// OpenAI-compatible) server: an error status, an error event inside a stream, a broken or
/// truncated stream, a refused connection or a connection the private-network gate refused.
/// </summary>
/// <remarks>
/// <para><see cref="ServerMessage"/> is the server's own text, unchanged; <see cref="Hint"/> names the
/// setting or command that usually fixes the problem. <see cref="Exception.Message"/> says who failed and joins the
/// hint as its own sentence: <c>vLLM returned 401 (Unauthorized): Unauthorized. Hint: …</c> for a server's answer,
/// <c>vLLM request failed: …</c> for a failed exchange, or a sentence naming the part of this library that refused
/// before anything was sent (<c>The private-network gate refused …</c>, <c>The token-budget reducer …</c>; those leave
/// <see cref="ServerMessage"/> <see langword="null"/>).</para>
/// <para>The exception never carries the API key: neither the message nor the hint repeats request headers.</para>
/// </remarks>
public sealed class VllmException : Exception
{
    /// <summary>Initializes a new instance with a message only.</summary>
    /// <param name="message">The message.</param>
    public VllmException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public VllmException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance with every detail the server gave.</summary>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no response arrived.</param>
    /// <param name="serverMessage">The server's own error text, or <see langword="null"/>.</param>
    /// <param name="hint">What to change to fix it, or <see langword="null"/>.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public VllmException(HttpStatusCode? statusCode, string? serverMessage, string? hint, Exception? innerException = null)
        : base(ComposeMessage(statusCode, serverMessage, hint), innerException)
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        Hint = hint;
    }

    /// <summary>Gets the HTTP status code of the failed response, or <see langword="null"/> when there was none
    /// (connection refused, a refused private address, an error event inside a 200 stream, a broken stream).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the server's own error text (vLLM's <c>error.message</c>), or <see langword="null"/>.</summary>
    public string? ServerMessage { get; }

    /// <summary>Gets a sentence naming the setting or command that usually fixes the problem, or <see langword="null"/>.</summary>
    public string? Hint { get; }

    /// <summary>Gets vLLM's error <c>type</c> (for example <c>BadRequestError</c>, <c>NotFoundError</c>), or <see langword="null"/>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets vLLM's error <c>param</c> (the request field at fault), or <see langword="null"/>.</summary>
    public string? Param { get; init; }

    /// <summary>Gets the id of the failed request: the <c>X-Request-Id</c> the server or router sent back, else the one this
    /// library sent (the caller's <c>WithRequestId</c> value, or a generated one); <see langword="null"/> when nothing was
    /// sent. vLLM and the routers in front of it log requests under this id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets why a router dropped the request, from llm-d's <c>x-llm-d-request-dropped-reason</c> response header
    /// (for example <c>rejected-saturated</c>, <c>rejected-no-endpoints</c>, <c>evicted</c>), or <see langword="null"/>.</summary>
    public string? RequestDroppedReason { get; init; }

    /// <summary>Initializes a new instance for a failure on the client's side, before or instead of a request (the
    /// private-network gate, the token-budget reducer, a refused option): the message names who failed itself, so it
    /// gets no "vLLM …" head, and <see cref="ServerMessage"/> and <see cref="StatusCode"/> stay <see langword="null"/>
    /// because no server said anything.</summary>
    /// <param name="message">The sentence saying who failed and why (for example "The private-network gate refused …").</param>
    /// <param name="hint">What to change to fix it, or <see langword="null"/>; appended to the message as "Hint: …".</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public VllmException(string message, string? hint, Exception? innerException)
        : base(Join(message, hint), innerException)
    {
        Hint = hint;
    }

    private static string ComposeMessage(HttpStatusCode? statusCode, string? serverMessage, string? hint)
    {
        var head = statusCode is { } code
            ? $"vLLM returned {(int)code} ({code})"
            : "vLLM request failed";
        var text = string.IsNullOrEmpty(serverMessage) ? head + "." : $"{head}: {serverMessage}";
        return Join(text, hint);
    }

    /// <summary>Joins a message and its hint as two sentences: "…: Unauthorized. Hint: …", never "…: Unauthorized Hint: …".</summary>
    private static string Join(string text, string? hint)
    {
        if (string.IsNullOrEmpty(hint))
        {
            return text;
        }

        text = text.TrimEnd();
        var ended = text.Length > 0 && text[^1] is '.' or '!' or '?' or '…';
        return ended ? $"{text} Hint: {hint}" : $"{text}. Hint: {hint}";
    }
}
