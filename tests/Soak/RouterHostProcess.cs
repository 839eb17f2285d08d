using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Soak;

/// <summary>
/// The router and backends in a child process (<see cref="RouterHost"/>: this soak's own dll started with
/// <c>--router-host</c>), so that the heap and sockets the soak measures are the client's own. Every read from the
/// child has a timeout, and a child that has not exited a few seconds after <c>stop</c> (or at dispose) is killed.
/// </summary>
internal sealed class RouterHostProcess : IRouterTarget
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _child;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private RouterHostProcess(Process child, Uri baseUrl)
    {
        _child = child;
        Options = RouterStack.ClientOptions(baseUrl);
    }

    public VllmProviderOptions Options { get; }

    /// <summary>Starts the child and waits (at most a minute) for the router's URL.</summary>
    /// <param name="mode">The router emulation.</param>
    /// <param name="chaos">False for a warm-up stack without faults.</param>
    /// <returns>The running child.</returns>
    public static async Task<RouterHostProcess> StartAsync(VllmTestRouterMode mode, bool chaos)
    {
        var start = StartInfo();
        start.ArgumentList.Add("--router-host");
        start.ArgumentList.Add("--router-mode");
        start.ArgumentList.Add(mode.ToString());
        if (!chaos)
        {
            start.ArgumentList.Add("--no-chaos");
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException("The router host process did not start.");
        try
        {
            var line = await ReadLineAsync(child, StartTimeout, "its URL").ConfigureAwait(false);
            if (!Uri.TryCreate(line, UriKind.Absolute, out var url) || !url.IsLoopback)
            {
                throw new InvalidOperationException($"The router host printed '{line}' instead of a loopback URL.");
            }

            return new RouterHostProcess(child, url);
        }
        catch
        {
            await EndAsync(child, TimeSpan.Zero).ConfigureAwait(false);
            child.Dispose();
            throw;
        }
    }

    public async Task RestartBackendAsync(int index) =>
        Expect("ok", await CommandAsync("restart " + index.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false));

    public async Task ResetAsync() => Expect("ok", await CommandAsync("reset").ConfigureAwait(false));

    /// <summary>Sends <c>stop</c>, reads the fault counts and waits for the child to exit 0 (killing it after 10 s).</summary>
    public async Task<IReadOnlyDictionary<string, int>> StopChaosAsync()
    {
        var line = await CommandAsync("stop").ConfigureAwait(false);
        SortedDictionary<string, int>? events;
        try
        {
            events = JsonSerializer.Deserialize<SortedDictionary<string, int>>(line);
        }
        catch (JsonException)
        {
            events = null;
        }

        if (events is null)
        {
            throw new InvalidOperationException($"The router host answered 'stop' with '{line}'.");
        }

        if (!await EndAsync(_child, ExitTimeout).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The router host did not exit within {ExitTimeout.TotalSeconds:0} s of 'stop' and was killed.");
        }

        if (_child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The router host exited with code {_child.ExitCode}.");
        }

        return events;
    }

    /// <summary>Closes the child's stdin (it then shuts down by itself) and kills it if it has not exited within 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_child.HasExited)
        {
            try
            {
                _child.StandardInput.Close();
            }
            catch (IOException)
            {
                // The pipe broke: the child is gone or going.
            }
        }

        await EndAsync(_child, ExitTimeout).ConfigureAwait(false);
        _child.Dispose();
        _gate.Dispose();
    }

    private static ProcessStartInfo StartInfo()
    {
        // Run as "dotnet Connectors.Vllm.Soak.dll" the host is dotnet and the dll its first argument; run through
        // the apphost, the apphost alone.
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("No process path to start the router host with.");
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false, // the child's own complaints go straight to the soak's stderr
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        return start;
    }

    private static async Task<string> ReadLineAsync(Process child, TimeSpan timeout, string what)
    {
        string? line;
        try
        {
            line = await child.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The router host gave no answer ({what}) within {timeout.TotalSeconds:0} s.");
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The router host's output broke ({what}): {ex.Message}", ex);
        }

        return line ?? throw new InvalidOperationException($"The router host closed its output before giving {what}.");
    }

    /// <summary>Waits for the child to exit; kills it (and anything it started) if it has not within <paramref name="grace"/>.</summary>
    /// <returns>True when it exited by itself.</returns>
    private static async Task<bool> EndAsync(Process child, TimeSpan grace)
    {
        try
        {
            await child.WaitForExitAsync().WaitAsync(grace).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            try
            {
                child.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
            {
                // Exited meanwhile.
            }

            try
            {
                await child.WaitForExitAsync().WaitAsync(ExitTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await Console.Error.WriteLineAsync($"router host (pid {child.Id}) still running {ExitTimeout.TotalSeconds:0} s after kill").ConfigureAwait(false);
            }

            return false;
        }
    }

    private static void Expect(string expected, string answer)
    {
        if (answer != expected)
        {
            throw new InvalidOperationException($"The router host answered '{answer}' instead of '{expected}'.");
        }
    }

    private async Task<string> CommandAsync(string command)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            try
            {
                await _child.StandardInput.WriteLineAsync(command).WaitAsync(CommandTimeout).ConfigureAwait(false);
                await _child.StandardInput.FlushAsync().WaitAsync(CommandTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"The router host did not take '{command}' within {CommandTimeout.TotalSeconds:0} s.");
            }
            catch (IOException ex)
            {
                throw new InvalidOperationException($"The router host's input broke on '{command}': {ex.Message}", ex);
            }

            return await ReadLineAsync(_child, CommandTimeout, $"to '{command}'").ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
