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

    [Theory]
    [InlineData("prompt_token_ids")]
    [InlineData("prompt\\u005ftoken_ids")]
    public void Read_UnknownFieldWithValue_KeptUnderItsDecodedName(string writtenName)
    {
        var recorded = TestFiles.Read("chat-response.example.json").Trim();
        var body = recorded.Replace("\"prompt_token_ids\":null", $"\"{writtenName}\":[1,2,3]", StringComparison.Ordinal);
        Assert.NotEqual(recorded, body);

        var response = VllmChatResponseReader.Read(Encoding.UTF8.GetBytes(body));

        Assert.Equal("[1,2,3]", response.AdditionalProperties?["prompt_token_ids"]?.ToString());
        Assert.Equal("Hi! How can I help you today?", response.Text);
    }

    [Fact]
    public void Read_AnswerNamesRequestedModel_ModelIdIsTheRequestedString()
    {
        var body = Encoding.UTF8.GetBytes(TestFiles.Read("chat-response.example.json").Trim());
        var requested = new string("meta-llama/Llama-3.2-1B-Instruct".AsSpan());

        var same = VllmChatResponseReader.Read(body, requested);
        var other = VllmChatResponseReader.Read(body, "another-model");
        var none = VllmChatResponseReader.Read(body);

        Assert.Same(requested, same.ModelId); // no second copy of the model name per answer
        Assert.Equal(requested, other.ModelId);
        Assert.Equal(requested, none.ModelId);
        Assert.True(Allocated(body, requested) < Allocated(body, "another-model"));
    }

    [Fact]
    public void Read_AnswerWithoutModel_NoModelIdEvenWhenOneWasRequested()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");

        Assert.Null(VllmChatResponseReader.Read(body, "m").ModelId);
    }

    [Fact]
    public void Parse_ChunkWithNullLogprobs_CostsNothing()
    {
        const string With = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"logprobs\":null,\"finish_reason\":null,\"token_ids\":null}]}";
        var without = With.Replace(",\"logprobs\":null", string.Empty, StringComparison.Ordinal);

        // Per chunk, logprobs that were not asked for (null in every chunk vLLM sends) add no allocation.
        Assert.Equal(ChunkAllocated(Encoding.UTF8.GetBytes(without)), ChunkAllocated(Encoding.UTF8.GetBytes(With)));
    }

    /// <summary>Bytes allocated by parsing one chunk on a stream that has seen it before (least of several).</summary>
    private static long ChunkAllocated(byte[] chunk)
    {
        var parser = new VllmChatStreamParser(new Connectors.Vllm.Errors.VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));
        var least = long.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = parser.Parse(chunk);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    /// <summary>Bytes allocated by one read (least of several, after a warm-up, so tiering and caches do not count).</summary>
    private static long Allocated(byte[] body, string? requestedModelId = null)
    {
        var least = long.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = VllmChatResponseReader.Read(body, requestedModelId);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
