using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing;

public sealed class VllmTestServerChatTests
{
    [Fact]
    public async Task ChatCompletions_NonStreaming_HasEveryFieldOfVllmsResponseInOrder()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("Hello!"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await JsonAsync(response);
        var example = JsonNode.Parse(TestFiles.Read("chat-response.example.json"))!.AsObject();
        Assert.Equal(Keys(example), Keys(body));
        var choice = body["choices"]![0]!.AsObject();
        Assert.Equal(Keys(example["choices"]![0]!.AsObject()), Keys(choice));
        Assert.Equal(Keys(example["choices"]![0]!["message"]!.AsObject()), Keys(choice["message"]!.AsObject()));
        Assert.Equal(Keys(example["usage"]!.AsObject()), Keys(body["usage"]!.AsObject()));
        Assert.Equal("[test-model] echo: Hello!", Str(choice["message"]!["content"]));
        Assert.Equal("stop", Str(choice["finish_reason"]));
        Assert.Matches("^chatcmpl-[0-9a-f]{16}$", Str(body["id"]));
        Assert.Matches(@"^vllm-0\.27\.1-[0-9a-f]{8}$", Str(body["system_fingerprint"]));
        Assert.Equal("test-model", Str(body["model"]));
    }

    [Fact]
    public async Task ChatCompletions_NonStreaming_IsCompactJson()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("compact"));
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(JsonNode.Parse(text)!.ToJsonString(), text);
    }

    [Fact]
    public async Task ChatCompletions_UsageCounts_MatchTokenizeOfTheSameMessages()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("How many tokens is this?");

        using var chat = await PostJsonAsync(client, "/v1/chat/completions", request);
        var usage = (await JsonAsync(chat))["usage"]!;
        using var tokenize = await PostJsonAsync(client, "/tokenize", new JsonObject { ["model"] = "test-model", ["messages"] = request["messages"]!.DeepClone() });
        var count = Int((await JsonAsync(tokenize))["count"]);

        Assert.Equal(count, Int(usage["prompt_tokens"]));
        Assert.Equal(Int(usage["prompt_tokens"]) + Int(usage["completion_tokens"]), Int(usage["total_tokens"]));
    }

    [Fact]
    public async Task ChatCompletions_Streaming_FollowsVllmChunkSequenceWithUsageChunk()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("Hello!", stream: true);
        request["stream_options"] = new JsonObject { ["include_usage"] = true };

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        var chunks = await ChunksAsync(response);
        var example = TestDataSse("chat-stream-text.example.sse");
        Assert.Equal(Keys(example[0]), Keys(chunks[0]));
        Assert.Equal(Keys(example[0]["choices"]![0]!.AsObject()), Keys(chunks[0]["choices"]![0]!.AsObject()));
        Assert.Equal("assistant", Str(chunks[0]["choices"]![0]!["delta"]!["role"]));
        Assert.Equal(string.Empty, Str(chunks[0]["choices"]![0]!["delta"]!["content"]));
        Assert.Equal(Keys(example[1]), Keys(chunks[1]));
        Assert.Equal(Keys(example[1]["choices"]![0]!.AsObject()), Keys(chunks[1]["choices"]![0]!.AsObject()));
        var finish = chunks[^2];
        Assert.Equal(Keys(example[^2]), Keys(finish));
        Assert.Equal(Keys(example[^2]["choices"]![0]!.AsObject()), Keys(finish["choices"]![0]!.AsObject()));
        Assert.Equal("stop", Str(finish["choices"]![0]!["finish_reason"]));
        var usage = chunks[^1];
        Assert.Equal(Keys(example[^1]), Keys(usage));
        Assert.Empty(usage["choices"]!.AsArray());
        Assert.Equal(Keys(example[^1]["usage"]!.AsObject()), Keys(usage["usage"]!.AsObject()));
        var text = string.Concat(chunks.Skip(1).Take(chunks.Count - 3).Select(c => Str(c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("[test-model] echo: Hello!", text);
        Assert.All(chunks, c => Assert.Equal(Str(chunks[0]["id"]), Str(c["id"])));

        // One token per delta chunk, plus EOS: completion tokens = delta chunks + 1.
        Assert.Equal(chunks.Count - 3 + 1, Int(usage["usage"]!["completion_tokens"]));
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithoutUsage_PutsFingerprintOnFinishChunk()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var response = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("Hello!", stream: true));

        var chunks = await ChunksAsync(response);
        var example = TestDataSse("chat-stream-text-no-usage.example.sse");
        Assert.Equal(Keys(example[^1]), Keys(chunks[^1]));
        Assert.Equal("stop", Str(chunks[^1]["choices"]![0]!["finish_reason"]));
        Assert.All(chunks, c => Assert.False(c.ContainsKey("usage")));
        Assert.All(chunks.Take(chunks.Count - 1), c => Assert.False(c.ContainsKey("system_fingerprint")));
    }

    [Fact]
    public async Task ChatCompletions_ContinuousUsageStats_PutsRunningUsageOnEveryChunk()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("Hi", stream: true);
        request["stream_options"] = new JsonObject { ["include_usage"] = true, ["continuous_usage_stats"] = true };

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);

        var chunks = await ChunksAsync(response);
        var example = TestDataSse("chat-stream-continuous-usage.example.sse");
        Assert.Equal(Keys(example[0]), Keys(chunks[0]));
        Assert.Equal(Keys(example[1]), Keys(chunks[1]));
        Assert.Equal(0, Int(chunks[0]["usage"]!["completion_tokens"]));
        var running = chunks.Select(c => Int(c["usage"]!["completion_tokens"])).ToList();
        Assert.Equal(running.OrderBy(x => x), running);
        Assert.Equal(running[^1], running[^2]);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
    }

    [Fact]
    public async Task ChatCompletions_MaxTokens_TruncatesWithFinishReasonLength()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("one two three four five six");
        request["max_tokens"] = 3;

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var body = await JsonAsync(response);

        Assert.Equal("length", Str(body["choices"]![0]!["finish_reason"]));
        Assert.Equal("[test-", Str(body["choices"]![0]!["message"]!["content"]));
        Assert.Equal(3, Int(body["usage"]!["completion_tokens"]));
    }

    [Fact]
    public async Task ChatCompletions_MaxTokensStreaming_LastTokenTravelsInFinishChunk()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("one two three", stream: true);
        request["max_completion_tokens"] = 3;

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var chunks = await ChunksAsync(response);

        Assert.Equal(4, chunks.Count);
        Assert.Equal("length", Str(chunks[^1]["choices"]![0]!["finish_reason"]));
        Assert.Equal("-", Str(chunks[^1]["choices"]![0]!["delta"]!["content"]));
    }

    [Fact]
    public async Task ChatCompletions_XRequestIdHeader_BecomesTheResponseId()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var plain = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("id"), r => r.Headers.Add("X-Request-Id", "my-trace-1"));
        using var streamed = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("id", stream: true), r => r.Headers.Add("X-Request-Id", "my-trace-2"));

        Assert.Equal("chatcmpl-my-trace-1", Str((await JsonAsync(plain))["id"]));
        Assert.All(await ChunksAsync(streamed), c => Assert.Equal("chatcmpl-my-trace-2", Str(c["id"])));
    }

    [Fact]
    public async Task ChatCompletions_SameRequestTwice_GivesSameContentAndUsage()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);

        using var first = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("determinism please"));
        using var second = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("determinism please"));
        var a = await JsonAsync(first);
        var b = await JsonAsync(second);

        Assert.Equal(a["choices"]!.ToJsonString(), b["choices"]!.ToJsonString());
        Assert.Equal(a["usage"]!.ToJsonString(), b["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task ChatCompletions_StopString_CutsContentAndReportsStopReason()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = TestServerHttp.Chat("alpha beta gamma");
        request["stop"] = new JsonArray("beta");

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var choice = (await JsonAsync(response))["choices"]![0]!;

        Assert.Equal("[test-model] echo: alpha ", Str(choice["message"]!["content"]));
        Assert.Equal("stop", Str(choice["finish_reason"]));
        Assert.Equal("beta", Str(choice["stop_reason"]));
    }

    [Fact]
    public async Task ChatCompletions_LoraAdapter_AnswersUnderAdapterNameAndUsesParentContext()
    {
        var options = new VllmTestServerOptions();
        options.Models.Add(VllmTestModel.Chat("base-model", maxModelLen: 64));
        options.Models.Add(VllmTestModel.LoraAdapter("sql-lora", "base-model"));
        await using var server = await VllmTestServer.StartAsync(options, Ct);
        using var client = Client(server);

        using var ok = await PostJsonAsync(client, "/v1/chat/completions", TestServerHttp.Chat("hi", model: "sql-lora"));
        var tooLong = TestServerHttp.Chat("hi", model: "sql-lora");
        tooLong["max_tokens"] = 100;
        using var rejected = await PostJsonAsync(client, "/v1/chat/completions", tooLong);

        Assert.Equal("sql-lora", Str((await JsonAsync(ok))["model"]));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal("max_tokens", Str((await JsonAsync(rejected))["error"]!["param"]));
    }

    [Fact]
    public async Task ChatCompletions_ToolResultAsLastMessage_AnswersWithTextMentioningResult()
    {
        await using var server = await VllmTestServer.StartAsync(null, Ct);
        using var client = Client(server);
        var request = new JsonObject
        {
            ["model"] = "test-model",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "weather in Boston? use get_current_weather" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "call-1",
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = "get_current_weather", ["arguments"] = "{\"location\": \"Boston\"}" },
                    }),
                },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call-1", ["content"] = "22 C and sunny" }),
            ["tools"] = new JsonArray(WeatherTool()),
        };

        using var response = await PostJsonAsync(client, "/v1/chat/completions", request);
        var choice = (await JsonAsync(response))["choices"]![0]!;

        Assert.Equal("[test-model] tool result: 22 C and sunny", Str(choice["message"]!["content"]));
        Assert.Equal("stop", Str(choice["finish_reason"]));
        Assert.False(choice["message"]!.AsObject().ContainsKey("tool_calls"));
    }
}
