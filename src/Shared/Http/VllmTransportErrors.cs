namespace Connectors.Vllm.Http;

/// <summary>
/// Unwraps transport failures. <see cref="SocketsHttpHandler"/> wraps whatever the connect callback throws
/// in an <see cref="HttpRequestException"/> (and the OpenAI SDK wraps that again in a ClientResultException),
/// so a private-network refusal arrives as an inner exception. Every component translates with this helper,
/// so users see the gate's <see cref="VllmException"/> (with its <c>AllowPrivateNetwork</c> hint) or
/// <see cref="VllmErrors.ConnectionFailed"/>, never a bare transport exception.
/// </summary>
internal static class VllmTransportErrors
{
    /// <summary>The <see cref="VllmException"/> somewhere in <paramref name="exception"/>'s inner chain (a gate refusal), or <see langword="null"/>.</summary>
    public static VllmException? FindVllmException(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is VllmException vllm)
            {
                return vllm;
            }
        }

        return null;
    }

    /// <summary>Translates a failed send: a gate refusal stays the gate's exception; anything else becomes
    /// <see cref="VllmErrors.ConnectionFailed"/> (with the <see cref="HttpRequestException"/> as inner exception when there is one).</summary>
    public static VllmException Translate(Exception exception, Uri baseUrl, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (FindVllmException(exception) is { } vllm)
        {
            return vllm;
        }

        HttpRequestException? http = null;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException h)
            {
                http = h;
                break;
            }
        }

        return VllmErrors.ConnectionFailed(baseUrl, http ?? exception, requestId);
    }
}
