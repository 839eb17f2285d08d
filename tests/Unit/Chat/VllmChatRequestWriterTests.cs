using System;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Connectors.Vllm.ChatProtocol;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Xunit;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>The chat request writer: its body, and what writing it costs per request.</summary>
public sealed class VllmChatRequestWriterTests
{
    private static readonly MeaiChatMessage[] Hello = [new(ChatRole.User, "Hello!")];

    [Fact]
    public void Write_SmallRequest_BodyInArrayOfItsOwnSize()
    {
        using var client = NewClient();
        var body = VllmChatRequestWriter.Write(Hello, null, Request("m"), client);

        Assert.True(MemoryMarshal.TryGetArray(body, out var segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(body.Length, segment.Array!.Length); // not a 1 KB buffer per request of 100 bytes
        using var json = JsonDocument.Parse(body);
        Assert.Equal("m", json.RootElement.GetProperty("model").GetString());
        Assert.Contains("Hello!", json.RootElement.GetProperty("messages")[0].GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SmallRequest_AllocatesLessThanAKilobyte()
    {
        using var client = NewClient();
        var least = long.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = VllmChatRequestWriter.Write(Hello, null, Request("m"), client);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // The messages' SDK mapping and the body itself; no buffer or JSON writer per request.
        Assert.InRange(least, 1, 1023);
    }

    [Fact]
    public void Write_NestedWriteFromRawRepresentationFactory_BothBodiesIntact()
    {
        using var client = NewClient();
        ReadOnlyMemory<byte> inner = default;
        var options = new ChatOptions
        {
            RawRepresentationFactory = c =>
            {
                // Written while the outer body is being written on the same thread.
                inner = VllmChatRequestWriter.Write([new MeaiChatMessage(ChatRole.User, "inner")], null, Request("inner-model"), c);
                return new ChatCompletionOptions { Temperature = 0.5f };
            },
        };

        var outer = VllmChatRequestWriter.Write(Hello, options, Request("outer-model"), client);

        using var outerJson = JsonDocument.Parse(outer);
        using var innerJson = JsonDocument.Parse(inner);
        Assert.Equal("outer-model", outerJson.RootElement.GetProperty("model").GetString());
        Assert.Equal(0.5, outerJson.RootElement.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("inner-model", innerJson.RootElement.GetProperty("model").GetString());
        Assert.Contains("\"inner\"", Encoding.UTF8.GetString(inner.Span), StringComparison.Ordinal);
    }

    private static VllmChatClient NewClient() => new(new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:9/v1") }, "m");

    private static VllmChatRequest Request(string model) => new(model, null, VllmServerFeatures.Unknown, Stream: false);
}
