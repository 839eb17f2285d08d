using System.Linq;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Docs;

/// <summary>Docs never drift from the API: every C# block in docs/*.md is a compiled region of docs/samples.</summary>
public sealed class DocsSnippetsTests
{
    [Fact]
    public void MarkdownCsharpBlocks_EachBlock_EqualsACompiledSampleRegion()
    {
        var root = DocsSnippets.RepoRoot();
        var regions = DocsSnippets.SampleRegions(root);
        var blocks = DocsSnippets.MarkdownBlocks(root);

        Assert.NotEmpty(blocks);
        var regionTexts = regions.Values.ToHashSet();
        var drifted = blocks.Where(b => !regionTexts.Contains(b.Code)).Select(b => $"{b.File}:\n{b.Code}").ToList();
        Assert.True(drifted.Count == 0, "These docs blocks match no #region in docs/samples:\n" + string.Join("\n---\n", drifted));
    }

    [Fact]
    public void ReadmeCsharpBlocks_WithARegistrationCall_EachEqualsACompiledSampleRegion()
    {
        var root = DocsSnippets.RepoRoot();
        var regionTexts = DocsSnippets.SampleRegions(root).Values.ToHashSet();
        var blocks = DocsSnippets.ReadmeRegistrationBlocks(root);

        Assert.NotEmpty(blocks);
        var drifted = blocks.Where(b => !regionTexts.Contains(b.Code)).Select(b => $"{b.File}:\n{b.Code}").ToList();
        Assert.True(drifted.Count == 0, "These README blocks register services but match no #region in docs/samples:\n" + string.Join("\n---\n", drifted));
    }

    [Fact]
    public void SampleRegions_EachRegion_IsShownInTheDocs()
    {
        var root = DocsSnippets.RepoRoot();
        var shown = DocsSnippets.MarkdownBlocks(root).Concat(DocsSnippets.ReadmeRegistrationBlocks(root)).Select(b => b.Code).ToHashSet();

        var unused = DocsSnippets.SampleRegions(root).Where(r => !shown.Contains(r.Value)).Select(r => r.Key).ToList();

        Assert.Empty(unused);
    }

    [Fact]
    public void Normalize_IndentedRegion_EqualsTheUnindentedBlock()
    {
        Assert.Equal("var a = 1;\n\nif (a > 0)\n{\n    a++;\n}", DocsSnippets.Normalize("\n        var a = 1;   \n\n        if (a > 0)\n        {\n            a++;\n        }\n    "));
        Assert.NotEqual(DocsSnippets.Normalize("var a = 1;"), DocsSnippets.Normalize("var a = 2;"));
    }
}
