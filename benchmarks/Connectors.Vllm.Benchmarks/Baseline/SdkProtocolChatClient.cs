using System;
using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Benchmarks.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Connectors.Vllm.Benchmarks.Baseline;

/// <summary>
/// The floor under any client built on the OpenAI SDK's pipeline: the SDK's protocol method
/// <see cref="ChatClient.CompleteChatAsync(BinaryContent, RequestOptions)"/> with a body written by
/// <see cref="RawChatClient.WriteRequest"/>, and the buffered answer read by one <see cref="System.Text.Json.Utf8JsonReader"/>
/// pass (<see cref="RawChatClient.ParseCompletion"/>). No MEAI types, no SDK models: the pipeline and the bytes only.
/// </summary>
internal sealed class SdkProtocolChatClient
{
    private readonly ChatClient _client;
    private readonly string _model;

    public SdkProtocolChatClient(Uri v1, string model, HttpClient http)
    {
        _model = model;
        _client = new ChatClient(model, new ApiKeyCredential(BenchInputs.ApiKey), new OpenAIClientOptions { Endpoint = v1, Transport = new HttpClientPipelineTransport(http) });
    }

    public async Task<RawChatResult> CompleteAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        RawChatClient.WriteRequest(buffer, _model, stream: false, tools: false);
        using var content = BinaryContent.Create(new BinaryData(buffer.WrittenMemory));
        var result = await _client.CompleteChatAsync(content, options: null).ConfigureAwait(false);
        using var response = result.GetRawResponse();
        return RawChatClient.ParseCompletion(response.Content.ToMemory().Span);
    }
}
