using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using Connectors.Vllm.Tests.Unit.Docs;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.TestHttp;

/// <summary>Keeps the test helpers single: one in-memory HTTP handler, one copy of each recorded example.</summary>
public sealed class TestHttpTests
{
    [Fact]
    public void TestAssembly_HttpMessageHandlers_OnlyInMemoryHandlerAnswers()
    {
        var answering = typeof(TestHttpTests).Assembly.GetTypes()
            .Where(t => typeof(HttpMessageHandler).IsAssignableFrom(t) && !typeof(DelegatingHandler).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToArray();

        Assert.Equal([typeof(InMemoryHandler).FullName], answering);
    }

    [Fact]
    public void TestData_ExamplesUnderTestsAndBenchmarks_HaveNoByteIdenticalCopies()
    {
        var root = DocsSnippets.RepoRoot();
        var copies = new[] { "tests", "benchmarks" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".sse", StringComparison.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .GroupBy(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g.Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)))
            .ToArray();

        Assert.Empty(copies);
    }
}
