using System;
using System.Globalization;

namespace Connectors.Vllm.Benchmarks.Reporting;

/// <summary>Human units for the tables.</summary>
internal static class Format
{
    public static string Time(double? ns) => ns switch
    {
        null => "—",
        < 1_000 => F($"{ns:0.0} ns"),
        < 1_000_000 => F($"{ns / 1_000:0.00} µs"),
        < 1_000_000_000 => F($"{ns / 1_000_000:0.00} ms"),
        _ => F($"{ns / 1_000_000_000:0.00} s"),
    };

    public static string Bytes(double? b) => b switch
    {
        null => "—",
        < 1_024 => F($"{b:0} B"),
        < 1_048_576 => F($"{b / 1_024:0.00} KB"),
        _ => F($"{b / 1_048_576:0.00} MB"),
    };

    public static string Ratio(double? ours, double? peer)
        => ours is null || peer is null ? "—" : peer == 0 ? (ours == 0 ? "1.00×" : "∞") : F($"{ours / peer:0.00}×");

    /// <summary>Allocation ratio on whole bytes (GC counters are per byte; sub-byte averages are noise from other threads).</summary>
    public static string BytesRatio(double? ours, double? peer)
        => ours is null || peer is null ? "—" : Ratio(Math.Round(ours.Value), Math.Round(peer.Value));

    public static string Number(double? value, string format) => value is null ? "—" : value.Value.ToString(format, CultureInfo.InvariantCulture);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
