using System;
using System.Text;
using System.Threading.Tasks;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Errors;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>Values the fuzzer found: a <c>created</c> timestamp outside DateTimeOffset's range, and invalid UTF-8 inside
/// JSON strings. Each is tolerated (ignored) or gives a VllmException — never ArgumentOutOfRange/InvalidOperation.</summary>
public sealed class HostileValueTests
{
    private const string HugeCreated = "1781786699800";

    [Fact]
    public void ChatBody_CreatedOutOfRange_AnswerKeptCreatedAtNull()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":" + HugeCreated + ",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");

        var response = VllmChatResponseReader.Read(body);

        Assert.Equal("hi", response.Text);
        Assert.Null(response.CreatedAt);
    }

    [Fact]
    public void StreamChunk_CreatedOutOfRange_UpdateKept()
    {
        var parser = new VllmChatStreamParser(new VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));

        var update = parser.Parse(Encoding.UTF8.GetBytes("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":" + HugeCreated + ",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}"));

        Assert.Equal("hi", update?.Text);
    }

    [Fact]
    public void StreamChunk_InvalidUtf8InString_VllmException()
    {
        var parser = new VllmChatStreamParser(new VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));
        byte[] chunk = [.. "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""u8, 0xC3, 0x28, .. "\"}}]}"u8];

        var ex = Assert.Throws<VllmException>(() => parser.Parse(chunk));

        Assert.Contains("malformed chunk", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamChunk_IndexOutOfInt32Range_VllmException()
    {
        var parser = new VllmChatStreamParser(new VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));

        var ex = Assert.Throws<VllmException>(() => parser.Parse(Encoding.UTF8.GetBytes("{\"id\":\"c\",\"choices\":[{\"index\":99999999999,\"delta\":{\"content\":\"hi\"}}]}")));

        Assert.Contains("malformed chunk", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatBody_InvalidUtf8InString_JsonExceptionTheClientMapsToVllmException()
    {
        byte[] body = [.. "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""u8, 0xC3, 0x28, .. "\"}}]}"u8];

        Assert.Throws<System.Text.Json.JsonException>(() => VllmChatResponseReader.Read(body));
    }

    [Fact]
    public void ErrorBody_InvalidUtf8InMessage_QuotedNotThrown()
    {
        byte[] body = [.. "{\"error\":{\"message\":\""u8, 0xC3, 0x28, .. "\",\"type\":\"BadRequestError\",\"code\":400}}"u8];

        var ex = VllmErrors.FromResponse(400, body, new VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.ServerMessage));
    }

    [Fact(Timeout = 30_000)]
    public async Task Embeddings_CreatedOutOfRange_VectorsReturned()
    {
        await using var server = new RawHttpServer((request, stream, ct) => RawHttpServer.WriteAsync(stream, 200,
            "{\"id\":\"e\",\"object\":\"list\",\"created\":" + HugeCreated + ",\"model\":\"embedder\",\"data\":[{\"index\":0,\"object\":\"embedding\",\"embedding\":[0.5,0.25]}],\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}", ct));
        var options = ReliabilityHost.Options(server.BaseUrl);
        using var generator = new VllmEmbeddingGenerator(options, "embedder");

        var embeddings = await generator.GenerateAsync(["x"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new[] { 0.5f, 0.25f }, embeddings[0].Vector.ToArray());
    }

    // A field holding a value of a type it never has (an object where a string or a number belongs) is skipped whole:
    // before, the reader stopped on the object's start and read the object's properties as the ones that follow.

    [Fact]
    public void ChatBody_StringFieldHoldsAnObject_ObjectSkippedAndTheFollowingFieldsRead()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"refusal\":{\"content\":\"not the answer\"},\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");

        var response = VllmChatResponseReader.Read(body);

        Assert.Equal("hi", response.Text);
    }

    [Fact]
    public void StreamChunk_UsageCountHoldsAnObject_OtherCountsStillRead()
    {
        var parser = new VllmChatStreamParser(new VllmErrorContext(new Uri("http://127.0.0.1:8000/v1")));

        parser.Parse(Encoding.UTF8.GetBytes("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":{\"total_tokens\":99},\"completion_tokens\":2,\"total_tokens\":5}}"));

        var usage = Assert.IsType<UsageDetails>(parser.Usage);
        Assert.Null(usage.InputTokenCount);
        Assert.Equal(2, usage.OutputTokenCount);
        Assert.Equal(5, usage.TotalTokenCount);
    }
}
