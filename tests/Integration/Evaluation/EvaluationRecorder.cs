using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI.Evaluation;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>
/// Collects the evaluation results of one server kind and keeps them in <c>artifacts/evaluation/&lt;kind&gt;.json</c>
/// (or <c>$VLLM_EVALUATION_DIR/&lt;kind&gt;.json</c>), rewritten after every scenario so a crashed run still leaves its
/// numbers. A kind that is skipped writes its reason, so two runs can be compared kind by kind.
/// </summary>
internal sealed class EvaluationRecorder
{
    private readonly object _gate = new();
    private readonly List<(string Scenario, DateTimeOffset At, EvaluationResult Result)> _runs = [];
    private readonly string _kind;
    private string? _skipReason;
    private IReadOnlyDictionary<string, string> _facts = new Dictionary<string, string>();

    public EvaluationRecorder(string kind)
    {
        _kind = kind;
        FilePath = Path.Combine(Directory, kind + ".json");
    }

    public string FilePath { get; }

    private static string Directory =>
        Environment.GetEnvironmentVariable("VLLM_EVALUATION_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepositoryRoot() ?? AppContext.BaseDirectory, "artifacts", "evaluation");

    /// <summary>Notes how the kind was set up (server, models, skip reason) at the top of its file.</summary>
    public void Describe(IReadOnlyDictionary<string, string> facts, string? skipReason)
    {
        lock (_gate)
        {
            _facts = facts;
            _skipReason = skipReason;
            Write();
        }
    }

    /// <summary>Records a scenario's result, then fails the test with each failed metric's reason.</summary>
    public void RecordAndAssert(string scenario, EvaluationResult result)
    {
        lock (_gate)
        {
            _runs.Add((scenario, DateTimeOffset.UtcNow, result));
            Write();
        }

        var failed = result.Metrics.Values.Where(m => m.Interpretation?.Failed == true).ToList();
        if (failed.Count > 0)
        {
            Assert.Fail($"{scenario}: " + string.Join(" | ", failed.Select(m => $"{m.Name}: {m.Interpretation!.Reason ?? m.Reason}")));
        }
    }

    private void Write()
    {
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("kind", _kind);
                w.WriteString("skipped", _skipReason);
                w.WriteStartObject("setup");
                foreach (var (key, value) in _facts)
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
                w.WriteStartArray("scenarios");
                foreach (var (scenario, at, result) in _runs)
                {
                    w.WriteStartObject();
                    w.WriteString("scenario", scenario);
                    w.WriteString("at", at.ToString("O", CultureInfo.InvariantCulture));
                    w.WriteStartArray("metrics");
                    foreach (var metric in result.Metrics.Values)
                    {
                        WriteMetric(w, metric);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            File.WriteAllBytes(FilePath, stream.ToArray());
        }
        catch (IOException)
        {
            // The file is a by-product for comparing runs; a read-only checkout must not fail the scenarios.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void WriteMetric(Utf8JsonWriter w, EvaluationMetric metric)
    {
        w.WriteStartObject();
        w.WriteString("name", metric.Name);
        switch (metric)
        {
            case NumericMetric { Value: { } number }:
                w.WriteNumber("value", Math.Round(number, 3));
                break;
            case BooleanMetric { Value: { } flag }:
                w.WriteBoolean("value", flag);
                break;
            case StringMetric { Value: { } text }:
                w.WriteString("value", text);
                break;
            default:
                w.WriteNull("value");
                break;
        }

        w.WriteBoolean("failed", metric.Interpretation?.Failed ?? false);
        w.WriteString("rating", metric.Interpretation?.Rating.ToString());
        w.WriteString("reason", metric.Interpretation?.Reason ?? metric.Reason);
        w.WriteEndObject();
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
