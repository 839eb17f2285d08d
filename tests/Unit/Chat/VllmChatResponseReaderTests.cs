using System;
using System.Text;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>The non-streamed answer reader: what it surfaces and what it costs per answer.</summary>
public sealed class VllmChatResponseReaderTests
{
    /// <summary>The top-level fields vLLM sends as null in nearly every answer.</summary>
    private static readonly string[] NullFields = ["service_tier", "prompt_logprobs", "prompt_token_ids", "prompt_text", "kv_transfer_params", "ec_transfer_params", "metrics"];

    [Fact]
    public void Read_NullUnknownFields_CostNothing()
    {
        var recorded = TestFiles.Read("chat-response.example.json").Trim();
        var stripped = recorded;
        foreach (var name in NullFields)
        {
            var field = $",\"{name}\":null";
            Assert.Contains(field, stripped, StringComparison.Ordinal);
            stripped = stripped.Replace(field, string.Empty, StringComparison.Ordinal);
        }

        var withNulls = Encoding.UTF8.GetBytes(recorded);
        var without = Encoding.UTF8.GetBytes(stripped);

        var response = VllmChatResponseReader.Read(withNulls);
        Assert.Equal("Hi! How can I help you today?", response.Text);
        Assert.DoesNotContain(response.AdditionalProperties?.Keys ?? [], key => Array.IndexOf(NullFields, key) >= 0);

        // Per answer, the null fields add no allocation (no property name decoded for a value that is dropped).
        Assert.Equal(Allocated(without), Allocated(withNulls));
    }

    /// <summary>Bytes allocated by one read (least of several, after a warm-up, so tiering and caches do not count).</summary>
    private static long Allocated(byte[] body)
    {
        var least = long.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = VllmChatResponseReader.Read(body);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
