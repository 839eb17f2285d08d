using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Vllm.Testing;

/// <summary>
/// The Kestrel app the test server and the test router run on: 127.0.0.1 only, no configuration, no logging. It owns the
/// app from build to stop, so the server and the router share one start, one root URL and one idempotent stop.
/// </summary>
internal sealed class LoopbackHost
{
    private int _stopped;

    private LoopbackHost(WebApplication app) => App = app;

    /// <summary>Gets the app, to add the middleware and routes to before <see cref="StartAsync"/>.</summary>
    public WebApplication App { get; }

    /// <summary>Gets the started app's root URL, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri RootUrl { get; private set; } = null!;

    /// <summary>An app listening on 127.0.0.1:<paramref name="port"/> (0 picks a free port), not started yet.</summary>
    /// <param name="port">The caller's <c>Port</c> option.</param>
    /// <param name="optionsName">The name of the caller's options argument, for the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not a TCP port.</exception>
    public static LoopbackHost Build(int port, string optionsName)
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
        return new LoopbackHost(builder.Build());
    }

    /// <summary>Starts the app and reads the port it got.</summary>
    /// <param name="ct">Cancels the start.</param>
    public async Task StartAsync(CancellationToken ct)
    {
        await App.StartAsync(ct).ConfigureAwait(false);
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        RootUrl = new Uri($"http://127.0.0.1:{new Uri(address).Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>
    /// Stops and disposes the app the first time it is called, giving open responses at most 5 s: streams still held open
    /// then are cut off. Later calls do nothing.
    /// </summary>
    /// <param name="beforeStop">Runs first (the server cuts off its stalled and delayed responses there).</param>
    /// <returns><see langword="true"/> when this call stopped the app; <see langword="false"/> when it was stopped already.</returns>
    public async Task<bool> StopOnceAsync(Func<Task>? beforeStop = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return false;
        }

        if (beforeStop is not null)
        {
            await beforeStop().ConfigureAwait(false);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await App.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Streams held open (stalled by a fault, or by a stalled backend) are cut off here.
        }

        await App.DisposeAsync().ConfigureAwait(false);
        return true;
    }
}
