using System;
using System.IO;

namespace Connectors.Vllm.Tests.Unit.TestHttp;

/// <summary>The recorded vLLM examples and fixtures in TestData/ (one copy each; the benchmarks' replay server links the same files).</summary>
internal static class TestFiles
{
    public static string Read(string name) => File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", name));
}
