using System;
using System.IO;
using System.Text.Json;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>Appends each matrix cell's outcome to <c>reliability/matrix.jsonl</c> under the test output directory
/// (or <c>RELIABILITY_MATRIX_FILE</c>); scripts/reliability-table.sh renders it as markdown.</summary>
internal static class MatrixRecorder
{
    private static readonly object Gate = new();

    public static string FilePath { get; } = Environment.GetEnvironmentVariable("RELIABILITY_MATRIX_FILE") is { Length: > 0 } path
        ? path
        : Path.Combine(AppContext.BaseDirectory, "reliability", "matrix.jsonl");

    public static void Record(CellOutcome outcome)
    {
        var line = outcome.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllText(FilePath, line);
        }
    }
}
