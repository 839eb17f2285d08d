using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;

namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>
/// The replay server as a child process (<c>dotnet exec Connectors.Vllm.Benchmarks.ReplayServer.dll --port 0</c>),
/// so its CPU time and allocations never count as the client's. Started from a suite's GlobalSetup,
/// killed (by its own process id) in GlobalCleanup.
/// </summary>
internal sealed class ReplayServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _controlClient;

    private ReplayServerProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
        _controlClient = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public Uri Root { get; }

    /// <summary><c>http://127.0.0.1:PORT/v1</c>: the base URL every client is given.</summary>
    public Uri V1 => new(Root, "v1");

    public int ProcessId => _process.Id;

    public static ReplayServerProcess Start()
    {
        var dll = LocateDll();
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        psi.Environment["DOTNET_TieredPGO"] = "1";

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the replay server");
        var lineTask = process.StandardOutput.ReadLineAsync();
        if (!lineTask.Wait(TimeSpan.FromSeconds(60)) || lineTask.Result is not { } line || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            var error = process.HasExited ? process.StandardError.ReadToEnd() : "(no answer within 60 s)";
            TryKill(process);
            throw new InvalidOperationException("replay server did not start: " + error);
        }

        // Drain its output so it can never block on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new ReplayServerProcess(process, new Uri(line["LISTENING ".Length..].Trim() + "/"));
    }

    /// <summary>Requests the replay server has answered so far, by route (<c>total</c>, <c>chat</c>, <c>embeddings</c>, <c>models</c>, <c>version</c>, <c>other</c>).</summary>
    public async Task<ReplayCounts> GetCountsAsync()
    {
        var json = await _controlClient.GetStringAsync(new Uri("_bench/stats", UriKind.Relative)).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        return new ReplayCounts(
            r.GetProperty("total").GetInt64(),
            r.GetProperty("chat").GetInt64(),
            r.GetProperty("embeddings").GetInt64(),
            r.GetProperty("models").GetInt64(),
            r.GetProperty("version").GetInt64(),
            r.GetProperty("embeddings_float").GetInt64(),
            r.GetProperty("embeddings_base64").GetInt64(),
            r.GetProperty("embeddings_bytes").GetInt64());
    }

    /// <summary>The bytes the server answers to <c>POST</c> <paramref name="path"/> with a JSON body (setup only, never timed).</summary>
    public async Task<byte[]> PostAsync(string path, ReadOnlyMemory<byte> json)
    {
        using var content = new ReadOnlyMemoryContent(json);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _controlClient.PostAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _controlClient.Dispose();
        TryKill(_process);
        _process.Dispose();
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close();
                process.Kill(entireProcessTree: false);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static string LocateDll()
    {
        const string Name = "Connectors.Vllm.Benchmarks.ReplayServer.dll";
        var fromEnv = Environment.GetEnvironmentVariable("VLLM_BENCH_REPLAY_DLL");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        var dir = typeof(ReplayServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ReplayServerDir")?.Value;
        if (dir is not null && File.Exists(Path.Combine(dir, Name)))
        {
            return Path.Combine(dir, Name);
        }

        throw new FileNotFoundException($"{Name} not found (looked in {dir}); build benchmarks/Connectors.Vllm.Benchmarks first or set VLLM_BENCH_REPLAY_DLL.");
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return "dotnet";
    }
}
