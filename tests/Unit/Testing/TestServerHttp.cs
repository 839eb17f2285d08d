using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Testing;

/// <summary>Plain-HttpClient helpers for the test-server tests (deliberately not our client library).</summary>
internal static class TestServerHttp
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HttpClient Client(VllmTestServer server) => new() { BaseAddress = server.RootUrl, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string json, Action<HttpRequestMessage>? configure = null) =>
        await PostAsync(client, path, new StringContent(json, Encoding.UTF8, "application/json"), configure);

    /// <summary>Posts <paramref name="content"/> and returns once the headers arrived (the body is left to read).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, HttpContent content, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = content };
        configure?.Invoke(request);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    /// <summary>A speech-to-text form: the fields, then (when asked) two seconds of silent WAV as <c>file</c>.</summary>
    public static MultipartFormDataContent SpeechForm(bool withFile, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        if (withFile)
        {
            form.Add(new ByteArrayContent(VllmTestAudio.SilentWav(2)), "file", "a.wav");
        }

        return form;
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, JsonNode body, Action<HttpRequestMessage>? configure = null) =>
        await PostJsonAsync(client, path, body.ToJsonString(), configure);

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    /// <summary>The raw SSE text split into events; asserts vLLM's framing (data: …\n\n, LF only) on the way.</summary>
    public static async Task<List<string>> SseEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        var events = text[..^2].Split("\n\n");
        foreach (var e in events)
        {
            Assert.StartsWith("data: ", e, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e, StringComparison.Ordinal);
        }

        return events.Select(e => e["data: ".Length..]).ToList();
    }

    /// <summary>The JSON chunks of a complete stream (asserts the final [DONE]).</summary>
    public static async Task<List<JsonObject>> ChunksAsync(HttpResponseMessage response)
    {
        var events = await SseEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        return events.Take(events.Count - 1).Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
    }

    public static JsonObject Chat(string text, string model = "test-model", bool stream = false)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        };
        if (stream)
        {
            body["stream"] = true;
        }

        return body;
    }

    public static JsonObject WeatherTool() => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = "get_current_weather",
            ["description"] = "Get the current weather in a given location",
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["location"] = new JsonObject { ["type"] = "string" },
                    ["unit"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("celsius", "fahrenheit") },
                },
                ["required"] = new JsonArray("location"),
            },
        },
    };

    public static List<string> Keys(JsonObject obj) => obj.Select(p => p.Key).ToList();

    public static string Str(JsonNode? node) => node!.GetValue<string>();

    public static int Int(JsonNode? node) => node!.GetValue<int>();

    public static bool IsNull(JsonObject obj, string key) => obj.ContainsKey(key) && obj[key] is null;

    public static List<JsonObject> TestDataSse(string name) =>
        TestFiles.Read(name)[..^2].Split("\n\n").Select(e => e["data: ".Length..]).Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!.AsObject()).ToList();

    public static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
