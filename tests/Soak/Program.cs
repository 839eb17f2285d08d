using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Soak;

/// <summary>
/// Soak/load run against the in-process vLLM test server: N requests at C concurrent, mixed non-streamed chat,
/// streamed chat and embeddings; every answer checked whole. After every 10 % of the calls (<see cref="Sampler"/>) it
/// samples the managed heap after a full GC (by generation) and the open file descriptors / sockets; the heap is judged
/// by <see cref="HeapRule"/> (every sample from 50 % to 100 % within 10 % of the 50 % sample: the first half is
/// warm-up), descriptors against a baseline taken after a warm-up round with nothing running.
/// Usage: dotnet run -c Release --project tests/Soak -- [--requests 10000] [--concurrency 64]
/// Exit code 0 when there were no unexpected errors, the heap rule held and sockets returned to baseline.
/// <c>--router</c> runs the chaos soak instead (<see cref="RouterChaos"/>); <c>--router-host</c> is the child process
/// that soak starts (<see cref="RouterHost"/>).
/// </summary>
internal static class Program
{
    private const string Prompt = "Hello there, how are you today?";
    private const string Expected = "[test-model] echo: " + Prompt;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            _ = RouterChaos.Mode(args); // a wrong mode is a usage error, said before anything starts
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (Array.IndexOf(args, "--router-host") >= 0)
        {
            return await RouterHost.RunAsync(args).ConfigureAwait(false);
        }

        if (Array.IndexOf(args, "--router") >= 0)
        {
            return await RouterChaos.RunAsync(args).ConfigureAwait(false);
        }

        var requests = Arg(args, "--requests", 10_000);
        var concurrency = Arg(args, "--concurrency", 64);
        var result = new SoakResult { Requests = requests, Concurrency = concurrency };

        var serverOptions = new VllmTestServerOptions { ApiKey = "sk-soak" };
        serverOptions.Models.Add(VllmTestModel.Chat(VllmTestServerOptions.DefaultModelId));
        serverOptions.Models.Add(VllmTestModel.Embedding("embedder", dimensions: 64));
        await using var server = await VllmTestServer.StartAsync(serverOptions).ConfigureAwait(false);
        var options = new VllmProviderOptions { BaseUrl = server.BaseUrl, ApiKey = "sk-soak", AllowPrivateNetwork = true };

        // Warm-up with throw-away clients, so lazily created runtime handles are in the baseline.
        using (var warm = new Clients(options))
        {
            await RunPhaseAsync(warm, 0, concurrency * 2, concurrency, new SoakResult()).ConfigureAwait(false);
        }

        await SettleAsync().ConfigureAwait(false);
        server.Reset();
        result.BaselineFds = CountFds(out var baselineSockets);
        result.BaselineSockets = baselineSockets;

        var watch = Stopwatch.StartNew();
        using (var clients = new Clients(options))
        {
            await Sampler.RunAsync(
                result,
                (from, to, _) => RunPhaseAsync(clients, from, to, concurrency, result),
                () =>
                {
                    server.Reset(); // the test server records requests; forget them so that they do not count
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
        }

        watch.Stop();
        result.ElapsedSeconds = watch.Elapsed.TotalSeconds;
        await SettleAsync().ConfigureAwait(false);
        result.FinalFds = CountFds(out var finalSockets);
        result.FinalSockets = finalSockets;

        var heap = new HeapRule(result.Samples);
        var handlesBack = HandlesBack(result);
        Console.WriteLine(Report(result, heap, handlesBack, "in-process test server"));
        return result.UnexpectedErrors == 0 && heap.Passed && handlesBack ? 0 : 1;
    }

    /// <summary>
    /// Sockets must be back exactly; other descriptors may grow by the runtime's lazily created files and
    /// eventfd/epoll handles for extra I/O threads (listed on stderr by kind), bounded here.
    /// </summary>
    internal static bool HandlesBack(SoakResult r) => r.FinalSockets <= r.BaselineSockets && r.FinalFds <= r.BaselineFds + 16;

    internal static async Task RunPhaseAsync(Clients clients, int from, int to, int concurrency, SoakResult result, TimeSpan? hangLimit = null)
    {
        var next = from - 1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to)
            {
                try
                {
                    var call = OneAsync(clients, i);
                    await (hangLimit is { } limit ? call.WaitAsync(limit) : call).ConfigureAwait(false);
                    lock (result)
                    {
                        result.Completed++;
                    }
                }
                catch (Exception ex) when (hangLimit is not null && ex is VllmException or TimeoutException)
                {
                    // Under chaos a typed VllmException is a correct answer; a call still running at the limit hangs.
                    lock (result)
                    {
                        result.Count(ex);
                    }
                }
                catch (Exception ex)
                {
                    lock (result)
                    {
                        result.UnexpectedErrors++;
                        if (result.FirstErrors.Count < 5)
                        {
                            result.FirstErrors.Add(ex.GetType().Name + ": " + ex.Message);
                        }
                    }
                }
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private static async Task OneAsync(Clients clients, int i)
    {
        switch (i % 3)
        {
            case 0:
                {
                    var response = await clients.Chat.GetResponseAsync(Prompt).ConfigureAwait(false);
                    Check(response.Text == Expected, response.Text);
                    break;
                }

            case 1:
                {
                    var text = new StringBuilder();
                    await foreach (var update in clients.Chat.GetStreamingResponseAsync(Prompt).ConfigureAwait(false))
                    {
                        text.Append(update.Text);
                    }

                    Check(text.ToString() == Expected, text.ToString());
                    break;
                }

            default:
                {
                    var embeddings = await clients.Embeddings.GenerateAsync(["alpha beta", "gamma " + i.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
                    Check(embeddings.Count == 2 && embeddings.All(e => e.Vector.Length == 64), "embeddings");
                    break;
                }
        }
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidDataException("incomplete answer: " + what);
        }
    }

    internal static long FullGcHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    internal static async Task SettleAsync()
    {
        // Closed connections leave the fd table once both sides have finished; give them a moment, collect finalizers.
        for (var i = 0; i < 10; i++)
        {
            FullGcHeap();
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    internal static int CountFds(out int sockets)
    {
        sockets = 0;
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var fds = Directory.GetFiles("/proc/self/fd");
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var fd in fds)
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? "?";
                var kind = target.StartsWith("socket:", StringComparison.Ordinal) ? "socket" : target.StartsWith("/", StringComparison.Ordinal) ? "file" : target.Split('[', ':')[0] + (target.Contains("anon_inode", StringComparison.Ordinal) ? target[target.IndexOf(':', StringComparison.Ordinal)..] : string.Empty);
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                if (kind == "socket")
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        Console.Error.WriteLine("fds: " + string.Join(", ", kinds.Select(k => k.Key + "=" + k.Value.ToString(CultureInfo.InvariantCulture))));
        return fds.Length;
    }

    internal static string Report(SoakResult r, HeapRule heap, bool handlesBack, string servers, string extraRows = "")
    {
        static string Pct(double x) => (x >= 0 ? "+" : string.Empty) + (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"| Figure | Value |");
        s.AppendLine("| --- | --- |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Requests (1/3 chat, 1/3 streamed chat, 1/3 embeddings of 2 inputs) | {r.Requests:N0} at {r.Concurrency} concurrent |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Completed whole / unexpected errors | {r.Completed:N0} / {r.UnexpectedErrors} {string.Join("; ", r.FirstErrors)} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Elapsed / throughput | {r.ElapsedSeconds:0.0} s / {r.Completed / r.ElapsedSeconds:0} req/s |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Heap rule: {HeapRule.Text} | {(heap.Passed ? "yes" : "NO")} (largest deviation {heap.MaxDeviation * 100:0.0} %) |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Warm-up growth 10 % → 50 % / steady-state change 50 % → 100 % | {Pct(heap.WarmupGrowth)} / {Pct(heap.SteadyChange)} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Heap growth, least squares over the 50–100 % samples | {heap.BytesPer1000Calls:N0} B per 1,000 calls |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Same samples, heap = a + b·sockets + c·calls (pooled connections come and go) | {(double.IsNaN(heap.BytesPerSocket) ? "n/a (socket count constant)" : string.Create(CultureInfo.InvariantCulture, $"b = {heap.BytesPerSocket:N0} B per open socket, c = {heap.BytesPer1000CallsBesideSockets:N0} B per 1,000 calls"))} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Smallest steady leak the rule catches (10 % of {heap.Baseline:N0} B over {heap.SteadyCalls:N0} calls) | {heap.SmallestLeakCaughtPerCall:N1} B per call |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Open fds (sockets): baseline → peak sockets → after dispose | {r.BaselineFds} ({r.BaselineSockets}) → {r.PeakSockets} → {r.FinalFds} ({r.FinalSockets}) |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Handles back to baseline | {(handlesBack ? "yes" : "NO")} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| Machine | {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {servers} |");
        s.Append(extraRows);
        s.AppendLine();
        s.AppendLine("| Sample | Calls | Heap after full GC (B) | vs 50 % | Gen 0+1 | Gen 2 | LOH | POH | Sockets |");
        s.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var x in r.Samples)
        {
            var vs = heap.Baseline > 0 ? Pct((x.HeapBytes - heap.Baseline) / (double)heap.Baseline) : "?";
            s.AppendLine(CultureInfo.InvariantCulture, $"| {x.Percent} % | {x.Calls:N0} | {x.HeapBytes:N0} | {vs} | {x.Gen01Bytes:N0} | {x.Gen2Bytes:N0} | {x.LohBytes:N0} | {x.PohBytes:N0} | {x.Sockets:N0} |");
        }

        return s.ToString();
    }
}
