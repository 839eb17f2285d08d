using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Connectors.Vllm.Benchmarks.Infrastructure;

namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>Builds the markdown report: ratios ours ÷ each peer, every row, concurrency, targets, machine.</summary>
internal static class ResultTable
{
    private static readonly ClientKind[] Peers = [ClientKind.StockMeai, ClientKind.SemanticKernel, ClientKind.Raw];

    public static string Render(
        IReadOnlyList<ResultRow> rows,
        IReadOnlyList<ConcurrencyResult> concurrency,
        IReadOnlyDictionary<string, long> discoveryCalls,
        string mode,
        string command,
        string loadBefore,
        string loadAfter,
        TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"Mode: **{mode}** · command: `{command}` · date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · run time {elapsed.TotalSeconds:0} s"));
        sb.AppendLine();
        sb.AppendLine("Machine: " + MachineInfo.Describe());
        sb.AppendLine();
        sb.AppendLine("Build of our code: " + MachineInfo.SourceBuild());
        sb.AppendLine();
        sb.AppendLine(Inv($"Load average at start: {loadBefore}; at end: {loadAfter}."));
        sb.AppendLine();

        sb.AppendLine("### Ratios: ours ÷ each peer (same run, same server bytes; below 1.00× = ours faster / allocates less)");
        sb.AppendLine();
        sb.AppendLine("| Workload (per unit) | Metric | ours | stock MEAI | SK | raw floor | ours ÷ MEAI | ours ÷ SK | ours ÷ raw |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var workload in rows.GroupBy(r => (r.Order, r.Workload, r.Unit)).OrderBy(g => g.Key.Order))
        {
            var primary = workload.Where(r => r.Primary).ToDictionary(r => r.Client);
            primary.TryGetValue(ClientKind.Ours, out var ours);
            string Cell(ClientKind k, Func<ResultRow, string> f) => primary.TryGetValue(k, out var r) ? (r.Measured ? f(r) : Short(r.Status)) : "—";
            sb.Append(Inv($"| {workload.Key.Workload} (per {workload.Key.Unit}) | time | "))
              .Append(Cell(ClientKind.Ours, r => Format.Time(r.NsPerUnit))).Append(" | ")
              .AppendJoin(" | ", Peers.Select(p => Cell(p, r => Format.Time(r.NsPerUnit)))).Append(" | ")
              .AppendJoin(" | ", Peers.Select(p => Format.Ratio(ours?.NsPerUnit, primary.GetValueOrDefault(p)?.NsPerUnit)))
              .AppendLine(" |");
            sb.Append("| | allocated | ")
              .Append(Cell(ClientKind.Ours, r => Format.Bytes(r.BytesPerUnit))).Append(" | ")
              .AppendJoin(" | ", Peers.Select(p => Cell(p, r => Format.Bytes(r.BytesPerUnit)))).Append(" | ")
              .AppendJoin(" | ", Peers.Select(p => Format.BytesRatio(ours?.BytesPerUnit, primary.GetValueOrDefault(p)?.BytesPerUnit)))
              .AppendLine(" |");
        }

        var variants = rows.Where(r => !r.Primary).OrderBy(r => r.Order).ThenBy(r => r.Client).ToList();
        if (variants.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### Variants: ours (primary row) ÷ each other row of the same workload");
            sb.AppendLine();
            sb.AppendLine("| Workload (per unit) | Row | time | allocated | ours ÷ this: time | ours ÷ this: allocated |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var v in variants)
            {
                var ours = rows.FirstOrDefault(r => r.Suite == v.Suite && r.Client == ClientKind.Ours && r.Primary);
                var cells = v.Measured ? $"{Format.Time(v.NsPerUnit)} | {Format.Bytes(v.BytesPerUnit)}" : $"{Short(v.Status)} | —";
                sb.AppendLine(Inv($"| {v.Workload} (per {v.Unit}) | {Name(v.Client)}: {v.Variant} | {cells} | {Format.Ratio(ours?.NsPerUnit, v.NsPerUnit)} | {Format.BytesRatio(ours?.BytesPerUnit, v.BytesPerUnit)} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine("### Every row");
        sb.AppendLine();
        sb.AppendLine("| Workload | Client | Variant | time / op | allocated / op | time / unit | allocated / unit | note |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
        foreach (var r in rows.OrderBy(r => r.Order).ThenBy(r => r.Client).ThenBy(r => r.Primary ? 0 : 1))
        {
            var note = r.Status ?? string.Empty;
            if (r.Suite == "DiscoveryBenchmarks" && discoveryCalls.TryGetValue(r.Method, out var calls))
            {
                note = Inv($"server requests during the measured calls: {calls}") + (note.Length > 0 ? "; " + note : string.Empty);
            }

            sb.AppendLine(Inv($"| {r.Workload} | {Name(r.Client)} | {r.Variant} | {Format.Time(r.MeanNsPerOp)} | {Format.Bytes(r.AllocBytesPerOp)} | {Format.Time(r.NsPerUnit)} | {Format.Bytes(r.BytesPerUnit)} | {note} |"));
        }

        if (concurrency.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### Concurrency: N simultaneous streams on this machine (custom harness)");
            sb.AppendLine();
            sb.AppendLine("| Streams × chunks | Client | wall time | throughput (chunks/s) | TTFT p50 | TTFT p99 | errors | throughput ours ÷ this |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var group in concurrency.GroupBy(c => c.Streams))
            {
                var ours = group.FirstOrDefault(c => c.Client == ClientKind.Ours);
                foreach (var c in group)
                {
                    var status = c.Status is null ? string.Empty : " (" + c.Status + ")";
                    var variant = c.Variant.Length > 0 ? ": " + c.Variant : string.Empty;
                    sb.AppendLine(Inv($"| {c.Streams} × {c.ChunksPerStream} | {Name(c.Client)}{variant}{status} | {Format.Number(c.WallSeconds, "0.000")} s | {Format.Number(c.ChunksPerSecond, "N0")} | {Format.Number(c.TtftP50Ms, "0.0")} ms | {Format.Number(c.TtftP99Ms, "0.0")} ms | {c.Errors}{(c.FirstError is null ? string.Empty : " — " + Short(c.FirstError))} | {Format.Ratio(ours?.ChunksPerSecond, c.ChunksPerSecond)} |"));
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine("### Targets (from the issue; informational, a run never fails on speed)");
        sb.AppendLine();
        sb.AppendLine("| Target | Measured | Met |");
        sb.AppendLine("|---|---|---|");
        foreach (var t in Targets(rows, concurrency, discoveryCalls))
        {
            sb.AppendLine(Inv($"| {t.Name} | {t.Measured} | {(t.Met is null ? "n/a" : t.Met.Value ? "yes" : "**no**")} |"));
        }

        return sb.ToString();
    }

    public static string Name(ClientKind client) => client switch
    {
        ClientKind.Ours => "ours",
        ClientKind.StockMeai => "stock MEAI",
        ClientKind.SemanticKernel => "SK",
        _ => "raw floor",
    };

    /// <summary>
    /// Ours ÷ the floor for the two per-unit targets of issue 15 (a small non-streamed request against the SDK's protocol
    /// method, in-process; a streamed chunk against the floor that builds MEAI's update objects), one line each, for the
    /// end of the console output (<c>benchmarks/run.sh</c> prints it in every mode).
    /// </summary>
    /// <param name="rows">The measured rows.</param>
    /// <param name="judged">Whether the run can judge the targets: <see langword="false"/> for the smoke run (a Debug build,
    /// one short iteration per case), whose ratios are printed without a verdict.</param>
    public static string FloorSummary(IReadOnlyList<ResultRow> rows, bool judged = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine(judged
            ? "Ours ÷ floor (issue 15 item 8; informational, a run never fails on speed):"
            : "Ours ÷ floor (issue 15 item 8), smoke run: a Debug build and one short iteration per case, so no verdict; judge the targets with benchmarks/run.sh --floor:");
        foreach (var t in FloorTargets(rows))
        {
            var verdict = !judged || t.Met is null ? string.Empty : t.Met.Value ? " (met)" : " (NOT met)";
            sb.AppendLine(Inv($"  {t.Name}: {t.Measured}{verdict}"));
        }

        return sb.ToString();
    }

    private static IEnumerable<BenchTarget> FloorTargets(IReadOnlyList<ResultRow> rows)
    {
        var pOurs = Row(rows, "ChatCompletionInProcessBenchmarks", ClientKind.Ours);
        var pFloor = Row(rows, "ChatCompletionInProcessBenchmarks", ClientKind.Raw);
        yield return Le("non-streaming, in-process, per request: time ≤ 1.5× SDK protocol method + Utf8JsonReader", pOurs?.NsPerUnit, pFloor?.NsPerUnit, 1.5);
        yield return Le("non-streaming, in-process, per request: allocations ≤ 1.5× SDK protocol method + Utf8JsonReader", pOurs?.BytesPerUnit, pFloor?.BytesPerUnit, 1.5);

        var sOurs = Row(rows, "ChatStreamingBenchmarks", ClientKind.Ours);
        var sMeai = Row(rows, "ChatStreamingBenchmarks", ClientKind.Raw, variant: Baseline.RawChatClient.MeaiUpdatesVariant);
        yield return Le("streaming, per chunk: time ≤ 1.1× floor + MEAI update objects", sOurs?.NsPerUnit, sMeai?.NsPerUnit, 1.1);
        yield return Le("streaming, per chunk: allocations ≤ 1.1× floor + MEAI update objects", sOurs?.BytesPerUnit, sMeai?.BytesPerUnit, 1.1);
    }

    private static ResultRow? Row(IReadOnlyList<ResultRow> rows, string suite, ClientKind client, bool primary = true, string? variant = null)
        => rows.FirstOrDefault(r => r.Suite == suite && r.Client == client && (variant is null ? r.Primary == primary : r.Variant == variant) && r.Measured);

    private static BenchTarget Le(string name, double? ours, double? peer, double limit)
        => ours is null || peer is null || peer == 0
            ? new BenchTarget(name, "not measured in this run", null)
            : new BenchTarget(name, Inv($"{ours / peer:0.00}×"), ours / peer <= limit);

    private static IEnumerable<BenchTarget> Targets(IReadOnlyList<ResultRow> rows, IReadOnlyList<ConcurrencyResult> concurrency, IReadOnlyDictionary<string, long> discoveryCalls)
    {
        ResultRow? Row(string suite, ClientKind client, bool primary = true, string? variant = null) => ResultTable.Row(rows, suite, client, primary, variant);

        foreach (var t in FloorTargets(rows))
        {
            yield return t;
        }

        var sOurs = Row("ChatStreamingBenchmarks", ClientKind.Ours);
        var sStock = Row("ChatStreamingBenchmarks", ClientKind.StockMeai);
        var sRaw = Row("ChatStreamingBenchmarks", ClientKind.Raw);
        yield return Le("streaming per chunk: time ≤ 1.00× stock MEAI", sOurs?.NsPerUnit, sStock?.NsPerUnit, 1.00);
        yield return Le("streaming per chunk: allocations ≤ 1.00× stock MEAI", sOurs?.AllocBytesPerOp, sStock?.AllocBytesPerOp, 1.00);
        yield return Le("streaming per chunk: time ≤ 1.5× raw floor", sOurs?.NsPerUnit, sRaw?.NsPerUnit, 1.5);
        yield return Le("streaming per chunk: allocations ≤ 1.5× raw floor", sOurs?.AllocBytesPerOp, sRaw?.AllocBytesPerOp, 1.5);

        var nOurs = Row("ChatCompletionBenchmarks", ClientKind.Ours);
        var nStock = Row("ChatCompletionBenchmarks", ClientKind.StockMeai);
        yield return nOurs is null || nStock is null
            ? new BenchTarget("non-streaming: ≤ 5 µs over stock MEAI", "not measured in this run", null)
            : new BenchTarget("non-streaming: ≤ 5 µs over stock MEAI", Inv($"{(nOurs.MeanNsPerOp - nStock.MeanNsPerOp) / 1000:+0.00;-0.00} µs"), nOurs.MeanNsPerOp - nStock.MeanNsPerOp <= 5_000);
        yield return nOurs is null || nStock is null
            ? new BenchTarget("non-streaming: ≤ 1 KB over stock MEAI", "not measured in this run", null)
            : new BenchTarget("non-streaming: ≤ 1 KB over stock MEAI", Inv($"{nOurs.AllocBytesPerOp - nStock.AllocBytesPerOp:+0;-0} B"), nOurs.AllocBytesPerOp - nStock.AllocBytesPerOp <= 1_024);

        var eOurs = Row("EmbeddingBenchmarks", ClientKind.Ours);
        var eStock = Row("EmbeddingBenchmarks", ClientKind.StockMeai);
        var eFloat = Row("EmbeddingBenchmarks", ClientKind.Raw, variant: "float JSON");
        yield return Le("embeddings: ≥ 1.0× stock speed (time ours ÷ stock ≤ 1.00)", eOurs?.MeanNsPerOp, eStock?.MeanNsPerOp, 1.0);
        yield return Le("embeddings: ≥ 3× the float-JSON decode (time ours ÷ float JSON ≤ 0.33)", eOurs?.MeanNsPerOp, eFloat?.MeanNsPerOp, 1.0 / 3);

        var c512 = concurrency.Where(c => c.Streams == 512).ToList();
        var cOurs = c512.FirstOrDefault(c => c.Client == ClientKind.Ours && c.ChunksPerSecond is not null);
        var cStock = c512.FirstOrDefault(c => c.Client == ClientKind.StockMeai && c.ChunksPerSecond is not null);
        yield return cOurs is null
            ? new BenchTarget("512 concurrent streams: 0 errors", "not measured in this run", null)
            : new BenchTarget("512 concurrent streams: 0 errors", Inv($"{cOurs.Errors} errors"), cOurs.Errors == 0);
        yield return cOurs is null || cStock is null
            ? new BenchTarget("512 concurrent streams: throughput ≥ 0.95× stock", "not measured in this run", null)
            : new BenchTarget("512 concurrent streams: throughput ≥ 0.95× stock", Inv($"{cOurs.ChunksPerSecond / cStock.ChunksPerSecond:0.00}×"), cOurs.ChunksPerSecond / cStock.ChunksPerSecond >= 0.95);

        var dOurs = Row("DiscoveryBenchmarks", ClientKind.Ours);
        yield return dOurs is null || !discoveryCalls.TryGetValue(dOurs.Method, out var calls)
            ? new BenchTarget("cached discovery: 0 network calls", "not measured in this run", null)
            : new BenchTarget("cached discovery: 0 network calls", Inv($"{calls} calls"), calls == 0);
        yield return dOurs is null
            ? new BenchTarget("cached discovery: < 1 µs", "not measured in this run", null)
            : new BenchTarget("cached discovery: < 1 µs", Format.Time(dOurs.MeanNsPerOp), dOurs.MeanNsPerOp < 1_000);
    }

    private static string Short(string? status) => status is null ? "—" : status.Length > 60 ? status[..60] + "…" : status;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
