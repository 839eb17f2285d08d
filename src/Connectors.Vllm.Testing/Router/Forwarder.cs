using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Connectors.Vllm.Testing.Router;

/// <summary>
/// The test router's one way to reach a backend: one <see cref="HttpClient"/>, the client's headers passed on (not
/// hop-by-hop ones, not the router's fault header), the answer streamed back chunk by chunk as it arrives.
/// </summary>
internal sealed class Forwarder : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
        "Content-Length", "Content-Type", VllmTestRouterFault.HeaderName,
    };

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends the call to <paramref name="backend"/>; null when the backend could not be reached or answered nothing.</summary>
    public async Task<HttpResponseMessage?> SendAsync(RouterCall call, VllmTestServer backend, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Context.Request.Method), new Uri(backend.RootUrl, path.TrimStart('/') + call.Context.Request.QueryString.Value));
        foreach (var header in call.Context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        }

        if (call.RequestId is { } id)
        {
            request.Headers.Remove("X-Request-Id");
            request.Headers.TryAddWithoutValidation("X-Request-Id", id);
        }

        if (call.Body.Length > 0 || !call.IsGet)
        {
            request.Content = new ByteArrayContent(call.Body);
            if (call.Context.Request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media))
            {
                request.Content.Headers.ContentType = media;
            }
        }

        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, call.Context.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Refused, reset or closed before the answer began: the engine tries another backend or says none is live.
            return null;
        }
    }

    /// <summary>A GET the router makes for itself (its own discovery), with the backend's API key, not the client's.</summary>
    public async Task<HttpResponseMessage?> GetOwnAsync(VllmTestServer backend, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend.RootUrl, path.TrimStart('/')));
        if (backend.Options.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>
    /// Streams the backend's answer to the client. Headers the router already set (its request id, a session token)
    /// win. A backend that breaks off mid-answer breaks the client's connection off too, as a proxy does.
    /// </summary>
    public static async Task CopyAsync(HttpResponseMessage response, HttpContext ctx)
    {
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key) && !ctx.Response.Headers.ContainsKey(header.Key))
            {
                ctx.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        if (response.Content.Headers.ContentType is { } type)
        {
            ctx.Response.ContentType = type.ToString();
        }

        if (response.Content.Headers.ContentLength is { } length)
        {
            ctx.Response.ContentLength = length;
        }

        await PumpAsync(response, ctx).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();

    private static async Task PumpAsync(HttpResponseMessage response, HttpContext ctx)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted).ConfigureAwait(false);
            int read;
            while ((read = await body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ctx.RequestAborted.IsCancellationRequested)
        {
            ctx.Abort();
        }
    }
}
