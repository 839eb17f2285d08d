using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Connectors.Vllm.Tests.Unit.Docs;

/// <summary>Reads the ```csharp blocks of docs/*.md and the #region snippets of docs/samples/*.cs.</summary>
internal static partial class DocsSnippets
{
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Connectors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Connectors.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every ```csharp block of every docs/*.md, as (file, normalised text).</summary>
    public static IReadOnlyList<(string File, string Code)> MarkdownBlocks(string root)
    {
        var blocks = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            foreach (Match match in CsharpFence().Matches(File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal)))
            {
                blocks.Add((Path.GetFileName(file), Normalize(match.Groups["code"].Value)));
            }
        }

        return blocks;
    }

    /// <summary>
    /// Every ```csharp block of README.md and src/*/README.md that calls a registration method (<c>.AddVllm…(</c>,
    /// <c>.AddKeyedVllm…(</c>), as (file, normalised text): those must compile like the docs' blocks.
    /// </summary>
    public static IReadOnlyList<(string File, string Code)> ReadmeRegistrationBlocks(string root)
    {
        var files = Directory.GetDirectories(Path.Combine(root, "src"))
            .Select(project => Path.Combine(project, "README.md"))
            .Prepend(Path.Combine(root, "README.md"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal);
        var blocks = new List<(string, string)>();
        foreach (var file in files)
        {
            foreach (Match match in CsharpFence().Matches(File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal)))
            {
                var code = Normalize(match.Groups["code"].Value);
                if (RegistrationCall().IsMatch(code))
                {
                    blocks.Add((Path.GetRelativePath(root, file), code));
                }
            }
        }

        return blocks;
    }

    /// <summary>Every #region of docs/samples/*.cs, by name, normalised.</summary>
    public static IReadOnlyDictionary<string, string> SampleRegions(string root)
    {
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "docs", "samples"), "*.cs"))
        {
            foreach (Match match in Region().Matches(File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal)))
            {
                regions.Add(match.Groups["name"].Value, Normalize(match.Groups["code"].Value));
            }
        }

        return regions;
    }

    /// <summary>Drops trailing spaces, leading/trailing blank lines and the common indentation.</summary>
    public static string Normalize(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart(' ').Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : l[indent..]));
    }

    [GeneratedRegex(@"^```csharp[ \t]*\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CsharpFence();

    [GeneratedRegex(@"\.Add(Keyed)?Vllm\w*\(")]
    private static partial Regex RegistrationCall();

    [GeneratedRegex(@"^[ \t]*#region (?<name>\S+)[ \t]*\n(?<code>.*?)^[ \t]*#endregion", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Region();
}
