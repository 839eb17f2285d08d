using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.ChatTests;

/// <summary>Structured outputs in the form each server version accepts.</summary>
public sealed class VllmChatClientStructuredOutputTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""").RootElement;

    [Theory]
    [InlineData(false, "0.10.2")]
    [InlineData(true, "0.10.2")]
    [InlineData(false, "0.27.1")]
    [InlineData(true, "0.27.1")]
    public async Task ResponseFormat_JsonSchema_SentAsResponseFormatOnEveryVersion(bool stream, string version)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = version);
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "reply") }, stream);

        var format = ChatTestHost.LastChatBody(server)["response_format"]!;
        Assert.Equal("json_schema", (string)format["type"]!);
        Assert.Equal("reply", (string)format["json_schema"]!["name"]!);
        Assert.Equal("object", (string)format["json_schema"]!["schema"]!["type"]!);
        using var answer = JsonDocument.Parse(run.Response.Text);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("answer").ValueKind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResponseFormat_Json_SentAsJsonObject(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, stream);

        ChatTestHost.AssertJsonEqual("""{"type":"json_object"}""", ChatTestHost.LastChatBody(server)["response_format"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StructuredOutputs_ChoiceOnNewServer_StructuredOutputsField(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Choice("yes", "no")), stream);

        var body = ChatTestHost.LastChatBody(server);
        ChatTestHost.AssertJsonEqual("""{"choice":["yes","no"]}""", body["structured_outputs"]!);
        Assert.False(body.ContainsKey("guided_choice"));
        Assert.Contains(run.Response.Text, new[] { "yes", "no" });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StructuredOutputs_ChoiceOnOldServer_GuidedChoiceField(bool stream)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = "0.10.2");
        using var client = ChatTestHost.Client(server);

        var run = await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Choice("yes", "no")), stream);

        var body = ChatTestHost.LastChatBody(server);
        ChatTestHost.AssertJsonEqual("""["yes","no"]""", body["guided_choice"]!);
        Assert.False(body.ContainsKey("structured_outputs"));
        Assert.Contains(run.Response.Text, new[] { "yes", "no" });
    }

    [Theory]
    [InlineData("0.11.0", """{"structured_outputs":{"regex":"[0-9]+"}}""")]
    [InlineData("0.10.2", """{"guided_regex":"[0-9]+"}""")]
    public async Task StructuredOutputs_Regex_FormByVersion(string version, string expected)
    {
        await using var server = await ChatTestHost.StartAsync(o => o.ServerVersion = version);
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Regex("[0-9]+")), stream: false);

        var body = ChatTestHost.LastChatBody(server);
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(expected)!.AsObject())
        {
            ChatTestHost.AssertJsonEqual(value!.ToJsonString(), body[name]!);
        }
    }

    [Fact]
    public async Task StructuredOutputs_GrammarAndJson_WrittenAsConstraintObjects()
    {
        await using var server = await ChatTestHost.StartAsync();
        using var client = ChatTestHost.Client(server);

        await ChatTestHost.RunAsync(client, "Hello", new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Json(Schema)), stream: false);

        ChatTestHost.AssertJsonEqual("""{"json":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}}""", ChatTestHost.LastChatBody(server)["structured_outputs"]!);
    }
}
