using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// Answers "is a Docker engine reachable?" within a couple of seconds: <c>GET /_ping</c> on <c>DOCKER_HOST</c>
/// (unix or tcp) or on <c>/var/run/docker.sock</c>. A docker CLI without an engine, a missing socket or a dead daemon all
/// answer quickly with the reason, instead of Testcontainers' long retries.
/// </summary>
internal static class DockerEngine
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<string?> UnavailableReasonAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            host = "unix:///var/run/docker.sock";
        }

        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            return $"DOCKER_HOST '{host}' is not a URL.";
        }

        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            if (uri.Scheme == "unix")
            {
                if (!File.Exists(uri.AbsolutePath))
                {
                    return $"no Docker engine: the socket {uri.AbsolutePath} does not exist (is the Docker daemon running?).";
                }

                var socketPath = uri.AbsolutePath;
                using var handler = new SocketsHttpHandler
                {
                    ConnectCallback = async (_, ct) =>
                    {
                        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                        try
                        {
                            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
                return await PingAsync(handler, new Uri("http://docker/_ping"), cts.Token).ConfigureAwait(false);
            }

            if (uri.Scheme is "tcp" or "http" or "https")
            {
                using var handler = new SocketsHttpHandler();
                var scheme = uri.Scheme == "https" ? "https" : "http";
                return await PingAsync(handler, new Uri($"{scheme}://{uri.Host}:{uri.Port}/_ping"), cts.Token).ConfigureAwait(false);
            }

            return $"DOCKER_HOST scheme '{uri.Scheme}' is not checked by this suite; use unix:// or tcp://.";
        }
        catch (OperationCanceledException)
        {
            return $"no Docker engine answered at {host} within {Timeout.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
        {
            return $"no Docker engine at {host}: {ex.Message}";
        }
    }

    private static async Task<string?> PingAsync(HttpMessageHandler handler, Uri url, CancellationToken ct)
    {
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var response = await client.GetAsync(url, ct).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : $"the Docker engine at {url.Host} answered {(int)response.StatusCode} to /_ping.";
    }
}
