using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm.Benchmarks.Baseline;

/// <summary>
/// The practical floor on .NET: HttpClient, a request written with Utf8JsonWriter, SseParser over the
/// response stream and Utf8JsonReader over each event, producing the same information a chat client
/// surfaces (text, tool call name/id/arguments, finish reason, usage) and nothing more.
/// </summary>
internal sealed class RawChatClient : IDisposable
{
    /// <summary>The label of the <see cref="StreamUpdatesAsync"/> rows (benchmarks and concurrency table).</summary>
    public const string MeaiUpdatesVariant = "floor + MEAI update objects";

    private readonly HttpClient _http;
    private readonly Uri _chatUrl;
    private readonly AuthenticationHeaderValue _auth = new("Bearer", BenchInputs.ApiKey);

    /// <param name="v1">The base URL (<c>…/v1</c>).</param>
    /// <param name="handler">The handler to send with (e.g. an in-process one), or <see langword="null"/> for a bare <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="disposeHandler">Whether disposing this client disposes <paramref name="handler"/>.</param>
    public RawChatClient(Uri v1, HttpMessageHandler? handler = null, bool disposeHandler = true)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _chatUrl = new Uri(v1.AbsoluteUri.TrimEnd('/') + "/chat/completions");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Non-streaming: returns the assistant text.</summary>
    public async Task<RawChatResult> CompleteAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(model, stream: false, tools: false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ParseCompletion(body);
    }

    /// <summary>Streaming: text chunks counted and concatenated; tool-call fragments assembled; usage read.</summary>
    public async Task<RawChatResult> StreamAsync(string model, bool tools, Action<string>? onText = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(model, stream: true, tools: tools);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);

        var result = new RawChatResult();
        StringBuilder? arguments = null;
        var done = false;
        await foreach (var item in SseParser.Create(stream, static (_, data) => RawChunk.Parse(data)).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var chunk = item.Data;
            if (chunk.Done)
            {
                done = true;
                break;
            }

            if (chunk.Text is { Length: > 0 } text)
            {
                result.TextChunks++;
                result.TextLength += text.Length;
                onText?.Invoke(text);
            }

            if (chunk.ToolName is not null)
            {
                result.ToolName = chunk.ToolName;
                result.ToolCallId = chunk.ToolCallId;
            }

            if (chunk.ToolArguments is not null)
            {
                (arguments ??= new StringBuilder()).Append(chunk.ToolArguments);
            }

            result.FinishReason = chunk.FinishReason ?? result.FinishReason;
            if (chunk.TotalTokens > 0)
            {
                result.TotalTokens = chunk.TotalTokens;
            }
        }

        if (!done)
        {
            throw new IOException("stream ended before [DONE]");
        }

        if (arguments is not null)
        {
            // Parse the assembled arguments the way a tool-calling client must.
            using var doc = JsonDocument.Parse(arguments.ToString());
            result.ToolArgumentCount = doc.RootElement.EnumerateObject().Count();
        }

        return result;
    }

    /// <summary>
    /// The floor plus MEAI's object model: the same reader, but each chunk becomes a <see cref="ChatResponseUpdate"/>
    /// (role, text content, ids, model, created) yielded from an async iterator, as an <c>IChatClient</c> must.
    /// What this costs over <see cref="StreamAsync"/> is MEAI's share, not any client's.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamUpdatesAsync(string model, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(model, stream: true, tools: false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        await foreach (var item in SseParser.Create(stream, static (_, data) => RawChunk.Parse(data)).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var chunk = item.Data;
            if (chunk.Done)
            {
                yield break;
            }

            if (chunk.Text is { Length: > 0 } text)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(text)])
                {
                    ResponseId = "chatcmpl-88bc3c1b0ab65a78",
                    MessageId = "chatcmpl-88bc3c1b0ab65a78",
                    ModelId = model,
                    CreatedAt = created,
                };
            }
        }

        throw new IOException("stream ended before [DONE]");
    }

    private HttpRequestMessage CreateRequest(string model, bool stream, bool tools)
    {
        var buffer = new ArrayBufferWriter<byte>(tools ? 512 : 160);
        WriteRequest(buffer, model, stream, tools);

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _chatUrl) { Content = content };
        request.Headers.Authorization = _auth;
        return request;
    }

    /// <summary>The request body every floor sends (the fields every client sends), written with <see cref="Utf8JsonWriter"/>.</summary>
    internal static void WriteRequest(IBufferWriter<byte> buffer, string model, bool stream, bool tools)
    {
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("messages"u8);
            w.WriteStartObject();
            w.WriteString("role"u8, "user"u8);
            w.WriteString("content"u8, BenchInputs.UserText);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("model"u8, model);
            if (tools)
            {
                w.WriteStartArray("tools"u8);
                w.WriteStartObject();
                w.WriteString("type"u8, "function"u8);
                w.WriteStartObject("function"u8);
                w.WriteString("name"u8, BenchInputs.ToolName);
                w.WriteString("description"u8, BenchInputs.ToolDescription);
                w.WritePropertyName("parameters"u8);
                w.WriteRawValue(BenchInputs.ToolParametersJson, skipInputValidation: true);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("tool_choice"u8, "auto"u8);
            }

            if (stream)
            {
                w.WriteBoolean("stream"u8, true);
                w.WriteStartObject("stream_options"u8);
                w.WriteBoolean("include_usage"u8, true);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }
    }

    /// <summary>Reads a non-streamed answer with one <see cref="Utf8JsonReader"/> pass: text, finish reason, usage, id.</summary>
    internal static RawChatResult ParseCompletion(ReadOnlySpan<byte> body)
    {
        var result = new RawChatResult();
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    var text = reader.GetString()!;
                    result.TextChunks = 1;
                    result.TextLength = text.Length;
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                result.FinishReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                result.TotalTokens = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("id"u8) && reader.CurrentDepth == 1)
            {
                reader.Read();
                result.ResponseId = reader.GetString();
            }
        }

        return result;
    }
}
