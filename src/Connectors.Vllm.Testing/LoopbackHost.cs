using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Vllm.Testing;

/// <summary>The Kestrel app the test server and the test router run on: 127.0.0.1 only, no configuration, no logging.</summary>
internal static class LoopbackHost
{
    /// <summary>An app listening on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    /// <param name="port">The caller's <c>Port</c> option.</param>
    /// <param name="optionsName">The name of the caller's options argument, for the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not a TCP port.</exception>
    public static WebApplication Build(int port, string optionsName)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(optionsName, port, "Port must be in [0, 65535].");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, port);
        });
        return builder.Build();
    }

    /// <summary>The started app's root URL, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public static Uri RootUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri($"http://127.0.0.1:{new Uri(address).Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Stops and disposes the app, giving open responses at most 5 s: streams still held open then are cut off.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Streams held open (stalled by a fault, or by a stalled backend) are cut off here.
        }

        await app.DisposeAsync().ConfigureAwait(false);
    }
}
