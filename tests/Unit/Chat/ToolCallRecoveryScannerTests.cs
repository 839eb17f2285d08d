using System;
using System.Linq;
using System.Text;
using CsCheck;
using Connectors.Vllm.ChatProtocol;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary><see cref="VllmToolCallScanner"/>: the same text and calls however the answer is cut into deltas, and nothing
/// held back for text that cannot be markup.</summary>
public sealed class ToolCallRecoveryScannerTests
{
    private static readonly VllmToolCallTools Tools = new([AIFunctionFactory.Create((string city) => city, "get_weather")]);

    [Theory]
    [InlineData("Sure. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\nDone.", "Sure. \nDone.", 1)]
    [InlineData("\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>", "", 1)]
    [InlineData("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; {\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}", "", 2)]
    [InlineData("Checking.[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_weather{\"city\": \"Rome\"}", "Checking.", 2)]
    [InlineData("a <b> [c] {d} <tool <function [TOOL_ x", "a <b> [c] {d} <tool <function [TOOL_ x", 0)]
    [InlineData("{\"answer\": 42}", "{\"answer\": 42}", 0)]
    [InlineData("<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa", "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa", 0)]
    public void Feed_AnySplit_SameTextAndCalls(string answer, string expectedText, int expectedCalls)
    {
        for (var size = 1; size <= answer.Length; size++)
        {
            var scanner = new VllmToolCallScanner(Tools);
            var text = new StringBuilder();
            for (var i = 0; i < answer.Length; i += size)
            {
                text.Append(scanner.Feed(answer.Substring(i, Math.Min(size, answer.Length - i))));
            }

            text.Append(scanner.Complete());
            var passed = expectedCalls > 0 ? text.ToString().Trim() : text.ToString();
            Assert.True(expectedText == passed, $"delta size {size}: '{passed}'");
            Assert.Equal(expectedCalls, scanner.Calls.Count);
            Assert.All(scanner.Calls, c => Assert.Equal("get_weather", c.Name));
        }
    }

    [Fact]
    public void Feed_TextWithoutMarkerCharacters_PassedOnAsIs()
    {
        var scanner = new VllmToolCallScanner(Tools);
        Assert.Null(scanner.Feed("  ")); // leading white space waits for what follows
        const string Delta = "Paris is sunny today.";

        var passed = scanner.Feed(Delta);

        Assert.Equal("  " + Delta, passed);
        Assert.Same(Delta, scanner.Feed(Delta));
    }

    [Fact]
    public void Feed_RandomTextOfMarkupPieces_NeverThrowsAndLosesNothingWhenNoCallIsRead()
    {
        string[] pieces = ["<tool_call>", "</tool_call>", "<function=get_weather>", "<parameter=city>", "</parameter>", "</function>", "[TOOL_CALLS]", "<|python_tag|>",
            "{", "}", "[", "]", "\"name\"", ": ", "\"get_weather\"", "\"arguments\"", "\"parameters\"", ",", ";", " ", "\n", "<", "text", "\"", "\\"];
        var gen = Gen.Select(Gen.Int[0, pieces.Length - 1].Array[0, 40], Gen.Int[1, 7]);
        gen.Sample((indexes, size) =>
        {
            var answer = string.Concat(indexes.Select(i => pieces[i]));
            var scanner = new VllmToolCallScanner(Tools);
            var text = new StringBuilder();
            for (var i = 0; i < answer.Length; i += size)
            {
                text.Append(scanner.Feed(answer.Substring(i, Math.Min(size, answer.Length - i))));
            }

            text.Append(scanner.Complete());
            return scanner.Calls.Count > 0 || text.ToString() == answer;
        }, iter: 3000);
    }
}
