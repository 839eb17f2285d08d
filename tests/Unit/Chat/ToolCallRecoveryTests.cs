using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.Diagnostics;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>
/// <see cref="VllmProviderOptions.ToolCallRecovery"/> against a test server that leaves the model's tool calls as markup
/// (no or the wrong <c>--tool-call-parser</c>): Recover turns each known family into a tool call, Warn logs what to
/// change, Off and requests without tools leave everything alone; streamed and not.
/// </summary>
public sealed class ToolCallRecoveryTests
{
    private const string Prompt = "What is the weather in Paris? Use get_weather.";

    private static AIFunction Weather() => AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather for a city.");

    private static ChatOptions WithTools() => new() { Tools = [Weather()] };

    private static IEnumerable<AIContent> Contents(ChatRun run) => run.Response.Messages.SelectMany(m => m.Contents);

    public static TheoryData<VllmLeakedToolCallFormat, bool> Formats()
    {
        var data = new TheoryData<VllmLeakedToolCallFormat, bool>();
        foreach (var format in new[] { VllmLeakedToolCallFormat.Hermes, VllmLeakedToolCallFormat.Qwen3Coder, VllmLeakedToolCallFormat.Llama3Json, VllmLeakedToolCallFormat.Mistral })
        {
            data.Add(format, false);
            data.Add(format, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Recover_LeakedMarkup_FunctionCallWithGeneratedIdAndNoMarkupInText(VllmLeakedToolCallFormat format, bool stream)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o => o.LeakedToolCallFormat = format);
        using var client = ChatTestHost.Client(server, o => (o.ToolCallRecovery, o.LoggerFactory) = (VllmToolCallRecovery.Recover, factory));

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        var call = Assert.Single(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Matches("^[a-zA-Z0-9]{9}$", call.CallId);
        Assert.Null(call.Exception);
        Assert.Equal(JsonValueKind.String, Assert.IsType<JsonElement>(call.Arguments!["city"]).ValueKind);
        Assert.Equal(ChatFinishReason.ToolCalls, run.Response.FinishReason);
        Assert.Equal(string.Empty, run.Response.Text.Trim());
        var recovered = Assert.Single(VllmLoggingTests.Ours(logs, "ToolCallMarkupRecovered"));
        Assert.Contains("--tool-call-parser " + Parser(format), recovered.Message, StringComparison.Ordinal);
        Assert.Empty(VllmLoggingTests.Ours(logs, "ToolCallMarkupLeaked"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_ToolResultTurn_AnswerTextUntouched(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Hermes);
        using var client = new FunctionInvokingChatClient(ChatTestHost.Client(server, o => o.ToolCallRecovery = VllmToolCallRecovery.Recover));

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        Assert.Contains("tool result: \"sunny in ", run.Response.Text, StringComparison.Ordinal);
        Assert.Equal(2, ChatTestHost.ChatRequests(server).Count);
        var assistant = ChatTestHost.LastChatBody(server)["messages"]!.AsArray().Single(m => (string)m!["role"]! == "assistant")!;
        Assert.Equal("get_weather", (string)assistant["tool_calls"]![0]!["function"]!["name"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warn_Default_MarkupLeftAsTextAndWarningNamesToolCallParser(bool stream)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o => o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Hermes);
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory);

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
        Assert.StartsWith("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {", run.Response.Text, StringComparison.Ordinal);
        Assert.EndsWith("}\n</tool_call>", run.Response.Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
        var warning = Assert.Single(VllmLoggingTests.Ours(logs, "ToolCallMarkupLeaked"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("--enable-auto-tool-choice --tool-call-parser hermes", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ToolCallRecovery = Recover", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--reasoning-parser", warning.Message, StringComparison.Ordinal);
        Assert.Equal("text", VllmLoggingTests.State(warning, "Location"));
        Assert.DoesNotContain("Paris", warning.Message, StringComparison.Ordinal); // the answer's text is never logged
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Off_LeakedMarkup_TextUnchangedAndNothingLogged(bool stream)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o => o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Hermes);
        using var client = ChatTestHost.Client(server, o => (o.ToolCallRecovery, o.LoggerFactory) = (VllmToolCallRecovery.Off, factory));

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        Assert.StartsWith("<tool_call>", run.Response.Text, StringComparison.Ordinal);
        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name?.StartsWith("ToolCallMarkup", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_NoToolsInRequest_MarkupTextPassesThroughUnchanged(bool stream)
    {
        const string Markup = "Here: <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        using var handler = Canned(Markup, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover, factory);

        var run = await ChatTestHost.RunAsync(client, "Hi", null, stream);

        Assert.Equal(Markup, run.Response.Text);
        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name?.StartsWith("ToolCallMarkup", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_ArgumentsNotValidJson_MarkupKeptAsTextAndWarning(bool stream)
    {
        const string Markup = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": Paris}}\n</tool_call>";
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        using var handler = Canned(Markup, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover, factory);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal(Markup, run.Response.Text);
        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
        var warning = Assert.Single(VllmLoggingTests.Ours(logs, "ToolCallMarkupLeaked"));
        Assert.Contains("not valid JSON", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_TextAroundMarkup_TextKeptInOrderWithoutMarkup(bool stream)
    {
        const string Answer = "Let me check. <tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call> One moment.";
        using var handler = Canned(Answer, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal("Let me check.  One moment.", run.Response.Text);
        var call = Assert.Single(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal("Paris", Assert.IsType<JsonElement>(call.Arguments!["city"]).GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, run.Response.FinishReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_PlainTextWithBracketsAndBraces_Unchanged(bool stream)
    {
        const string Answer = "{ready} if a < b and [x] <tool or [TOOL";
        using var handler = Canned(Answer, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal(Answer, run.Response.Text);
        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Stop, run.Response.FinishReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_MarkupInReasoning_FunctionCallAndWarningNamesReasoningParser(bool stream)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.Models.Add(VllmTestModel.Reasoning("thinker"));
            o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Hermes;
            o.LeakToolCallsIntoReasoning = true;
        });
        using var client = ChatTestHost.Client(server, o => (o.ToolCallRecovery, o.LoggerFactory) = (VllmToolCallRecovery.Recover, factory), "thinker");

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        var call = Assert.Single(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(ChatFinishReason.ToolCalls, run.Response.FinishReason);
        Assert.Contains("<tool_call>", string.Concat(Contents(run).OfType<TextReasoningContent>().Select(r => r.Text)), StringComparison.Ordinal);
        var recovered = Assert.Single(VllmLoggingTests.Ours(logs, "ToolCallMarkupRecovered"));
        Assert.Equal("reasoning", VllmLoggingTests.State(recovered, "Location"));
        Assert.Contains("--reasoning-parser", recovered.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warn_MarkupInReasoning_WarningNamesReasoningParser(bool stream)
    {
        var (logs, factory) = VllmLoggingTests.CreateLogging();
        using var _ = factory;
        await using var server = await ChatTestHost.StartAsync(o =>
        {
            o.Models.Add(VllmTestModel.Reasoning("thinker"));
            o.LeakedToolCallFormat = VllmLeakedToolCallFormat.Qwen3Coder;
            o.LeakToolCallsIntoReasoning = true;
        });
        using var client = ChatTestHost.Client(server, o => o.LoggerFactory = factory, "thinker");

        var run = await ChatTestHost.RunAsync(client, Prompt, WithTools(), stream);

        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
        var warning = Assert.Single(VllmLoggingTests.Ours(logs, "ToolCallMarkupLeaked"));
        Assert.Contains("--tool-call-parser qwen3_coder", warning.Message, StringComparison.Ordinal);
        Assert.Contains("--reasoning-parser", warning.Message, StringComparison.Ordinal);
        Assert.Equal("reasoning", VllmLoggingTests.State(warning, "Location"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_MistralBeforeV11Array_TwoCalls(bool stream)
    {
        const string Answer = "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}, {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}]";
        using var handler = Canned(Answer, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal(["Paris", "Rome"], Contents(run).OfType<FunctionCallContent>().Select(c => Assert.IsType<JsonElement>(c.Arguments!["city"]).GetString()));
        Assert.Equal(string.Empty, run.Response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_Qwen3CoderTypedParameters_ValuesTypedBySchema(bool stream)
    {
        const string Answer = "<tool_call>\n<function=book>\n<parameter=city>\n123\n</parameter>\n<parameter=nights>\n3\n</parameter>\n<parameter=late>\nTrue\n</parameter>\n</function>\n</tool_call>";
        using var handler = Canned(Answer, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);
        var book = AIFunctionFactory.Create((string city, int nights, bool late) => "ok", "book");

        var run = await ChatTestHost.RunAsync(client, "Hi", new ChatOptions { Tools = [book] }, stream);

        var call = Assert.Single(Contents(run).OfType<FunctionCallContent>());
        Assert.Equal("123", Assert.IsType<JsonElement>(call.Arguments!["city"]).GetString());
        Assert.Equal(3, Assert.IsType<JsonElement>(call.Arguments!["nights"]).GetInt32());
        Assert.True(Assert.IsType<JsonElement>(call.Arguments!["late"]).GetBoolean());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_LlamaJsonNamingUnknownTool_KeptAsText(bool stream)
    {
        const string Answer = "{\"name\": \"Paris\", \"parameters\": {\"population\": 2100000}}";
        using var handler = Canned(Answer, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal(Answer, run.Response.Text);
        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_ServerSentToolCallsToo_MarkupLeftInText(bool stream)
    {
        const string Markup = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}</tool_call>";
        var call = stream
            ? "'tool_calls':[{'id':'chatcmpl-tool-1','type':'function','index':0,'function':{'name':'get_weather','arguments':'{}'}}]"
            : "'tool_calls':[{'id':'chatcmpl-tool-1','type':'function','function':{'name':'get_weather','arguments':'{}'}}]";
        using var handler = Canned(Markup, stream, call, "tool_calls");
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", WithTools(), stream);

        Assert.Equal("chatcmpl-tool-1", Assert.Single(Contents(run).OfType<FunctionCallContent>()).CallId);
        Assert.Equal(Markup, run.Response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recover_ToolModeNone_MarkupLeftAlone(bool stream)
    {
        const string Markup = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {}}</tool_call>";
        using var handler = Canned(Markup, stream);
        using var client = CannedClient(handler, VllmToolCallRecovery.Recover);

        var run = await ChatTestHost.RunAsync(client, "Hi", new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.None }, stream);

        Assert.Equal(Markup, run.Response.Text);
        Assert.Empty(Contents(run).OfType<FunctionCallContent>());
    }

    private static string Parser(VllmLeakedToolCallFormat format) => format switch
    {
        VllmLeakedToolCallFormat.Qwen3Coder => "qwen3_coder",
        VllmLeakedToolCallFormat.Llama3Json => "llama3_json",
        VllmLeakedToolCallFormat.Mistral => "mistral",
        _ => "hermes",
    };

    private static VllmChatClient CannedClient(InMemoryHandler handler, VllmToolCallRecovery mode, ILoggerFactory? factory = null)
    {
        var options = new VllmProviderOptions { BaseUrl = new Uri("http://127.0.0.1:8000/v1"), AllowPrivateNetwork = true, ToolCallRecovery = mode, LoggerFactory = factory };
        return new VllmChatClient(options, "m", new HttpClient(handler));
    }

    /// <summary>vLLM's answer carrying <paramref name="text"/> as content (streamed: a few characters per chunk, so markers
    /// are split across chunks), optionally with the server's own tool calls (<paramref name="toolCalls"/>, single quotes).</summary>
    private static InMemoryHandler Canned(string text, bool stream, string? toolCalls = null, string finish = "stop")
    {
        var calls = toolCalls is null ? string.Empty : "," + toolCalls.Replace('\'', '"');
        string body;
        if (!stream)
        {
            body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + JsonSerializer.Serialize(text) + calls + "},\"finish_reason\":\"" + finish + "\"}]}";
            return new InMemoryHandler(_ => InMemoryHandler.Json(body));
        }

        var sse = new System.Text.StringBuilder();
        void Chunk(string delta, string? finishReason) => sse.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":")
            .Append(delta).Append(",\"finish_reason\":").Append(finishReason is null ? "null" : "\"" + finishReason + "\"").Append("}]}\n\n");
        Chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
        for (var i = 0; i < text.Length; i += 3)
        {
            Chunk("{\"content\":" + JsonSerializer.Serialize(text.Substring(i, Math.Min(3, text.Length - i))) + "}", null);
        }

        if (toolCalls is not null)
        {
            Chunk("{" + toolCalls.Replace('\'', '"') + "}", null);
        }

        Chunk("{}", finish);
        sse.Append("data: [DONE]\n\n");
        return new InMemoryHandler(_ => InMemoryHandler.Text(sse.ToString(), "text/event-stream"));
    }
}
