using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Connectors.Vllm.Benchmarks.Reporting;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Connectors.Vllm.Benchmarks.Concurrency;

/// <summary>
/// N simultaneous streaming chats through ONE client instance (as an app would share it), all released
/// at once. Reports throughput (text chunks per second of wall time), time to first token (from release
/// to the first text update) p50/p99, and errors (exceptions, or a stream with the wrong chunk count).
/// Not BenchmarkDotNet: the figure of merit is the whole burst, measured once per client after a warm-up burst.
/// </summary>
internal static class ConcurrencyHarness
{
    /// <summary>The rows of the table: each peer, and the floor that builds MEAI's update objects (the per-chunk target's reference).</summary>
    private static readonly (ClientKind Kind, string Variant)[] Rows =
    [
        (ClientKind.Ours, ""),
        (ClientKind.StockMeai, ""),
        (ClientKind.SemanticKernel, ""),
        (ClientKind.Raw, ""),
        (ClientKind.Raw, RawChatClient.MeaiUpdatesVariant),
    ];

    public static async Task<List<ConcurrencyResult>> RunAsync(IReadOnlyList<int> levels, int chunks, Action<string> log)
    {
        var results = new List<ConcurrencyResult>();
        using var server = ReplayServerProcess.Start();
        var model = "bench-stream-" + chunks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var streams in levels)
        {
            foreach (var (kind, variant) in Rows)
            {
                if (kind == ClientKind.Ours && !OursClients.ChatAvailable)
                {
                    results.Add(new ConcurrencyResult(kind, streams, chunks, null, null, null, null, 0, null, OursClients.NotAvailable) { Variant = variant });
                    continue;
                }

                var name = ResultTable.Name(kind) + (variant.Length > 0 ? ": " + variant : string.Empty);
                var stream = CreateStreamer(kind, variant, server.V1, model, out var dispose);
                try
                {
                    // Warm-up burst: JIT, connection pool.
                    await BurstAsync(stream, Math.Min(streams, 16), chunks).ConfigureAwait(false);
                    var result = await BurstAsync(stream, streams, chunks).ConfigureAwait(false);
                    results.Add(result with { Client = kind, Variant = variant });
                    log($"concurrency {streams} × {chunks} {name}: {result.ChunksPerSecond:N0} chunks/s, TTFT p50 {result.TtftP50Ms:0.0} ms p99 {result.TtftP99Ms:0.0} ms, errors {result.Errors}");
                }
                catch (Exception ex)
                {
                    results.Add(new ConcurrencyResult(kind, streams, chunks, null, null, null, null, streams, ex.Message, "failed") { Variant = variant });
                    log($"concurrency {streams} {name}: FAILED {ex.Message}");
                }
                finally
                {
                    dispose();
                }
            }
        }

        return results;
    }

    /// <summary>A function that runs one stream, calling <c>onText</c> per text chunk; returns the text chunk count.</summary>
    private static Func<Action, CancellationToken, Task<int>> CreateStreamer(ClientKind kind, string variant, Uri v1, string model, out Action dispose)
    {
        switch (kind)
        {
            case ClientKind.Raw when variant == RawChatClient.MeaiUpdatesVariant:
            {
                var raw = new RawChatClient(v1);
                dispose = raw.Dispose;
                return (onText, ct) => CountTextAsync(raw.StreamUpdatesAsync(model, ct), onText);
            }

            case ClientKind.Ours:
            case ClientKind.StockMeai:
            {
                var client = kind == ClientKind.Ours ? OursClients.Chat(v1, model)! : PeerClients.StockChat(v1, model);
                dispose = client.Dispose;
                return (onText, ct) => CountTextAsync(client.GetStreamingResponseAsync(BenchInputs.Messages(), cancellationToken: ct), onText);
            }

            case ClientKind.SemanticKernel:
            {
                var sk = PeerClients.SkChat(v1, model);
                dispose = () => { };
                return async (onText, ct) =>
                {
                    var history = new ChatHistory();
                    history.AddUserMessage(BenchInputs.UserText);
                    var n = 0;
                    await foreach (var update in sk.GetStreamingChatMessageContentsAsync(history, cancellationToken: ct).ConfigureAwait(false))
                    {
                        if (!string.IsNullOrEmpty(update.Content))
                        {
                            n++;
                            onText();
                        }
                    }

                    return n;
                };
            }

            default:
            {
                var raw = new RawChatClient(v1);
                dispose = raw.Dispose;
                return async (onText, ct) => (await raw.StreamAsync(model, tools: false, _ => onText(), ct).ConfigureAwait(false)).TextChunks;
            }
        }
    }

    /// <summary>Drains a stream of MEAI updates, calling <paramref name="onText"/> per text update; returns their count.</summary>
    private static async Task<int> CountTextAsync(IAsyncEnumerable<ChatResponseUpdate> updates, Action onText)
    {
        var n = 0;
        await foreach (var update in updates.ConfigureAwait(false))
        {
            if (update.Text.Length > 0)
            {
                n++;
                onText();
            }
        }

        return n;
    }

    private static async Task<ConcurrencyResult> BurstAsync(Func<Action, CancellationToken, Task<int>> stream, int streams, int chunks)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ttft = new double[streams];
        var errors = 0;
        string? firstError = null;
        long start = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var tasks = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
        {
            await gate.Task.ConfigureAwait(false);
            var first = true;
            try
            {
                var n = await stream(
                    () =>
                    {
                        if (first)
                        {
                            first = false;
                            ttft[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                        }
                    },
                    timeout.Token).ConfigureAwait(false);
                if (n != chunks)
                {
                    throw new InvalidOperationException($"stream delivered {n} text chunks, expected {chunks}");
                }

                return n;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                ttft[i] = double.NaN;
                return 0;
            }
        })).ToArray();

        start = Stopwatch.GetTimestamp();
        gate.SetResult();
        var counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var ok = ttft.Where(t => !double.IsNaN(t)).OrderBy(t => t).ToArray();
        return new ConcurrencyResult(
            ClientKind.Raw,
            streams,
            chunks,
            wall,
            counts.Sum() / wall,
            ok.Length == 0 ? null : Percentile(ok, 0.50),
            ok.Length == 0 ? null : Percentile(ok, 0.99),
            errors,
            firstError,
            null);
    }

    private static double Percentile(double[] sorted, double p)
        => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
