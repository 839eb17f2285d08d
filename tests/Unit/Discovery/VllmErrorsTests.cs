using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using Connectors.Vllm.Errors;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmErrorsTests
{
    private static readonly VllmErrorContext Context = new(new Uri("http://vllm.test:8000/v1/"));

    [Theory]
    [InlineData("max_tokens (5000) cannot be greater than max_model_len (4096).", "Lower ChatOptions.MaxOutputTokens (or the model entry's MaxTokens) below the model's context window.")]
    [InlineData("\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set", "Start vLLM with --enable-auto-tool-choice --tool-call-parser <parser> (for example hermes for Qwen), or set Tools = false on the model entry.")]
    [InlineData("tool_choice=\"required\" requires --tool-call-parser to be set", "Start vLLM with --tool-call-parser <parser> (for example hermes for Qwen).")]
    [InlineData("Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.", "Start vLLM with --trust-request-chat-template, or remove chat_template from the request.")]
    [InlineData("Model 'BAAI/bge-m3' does not support Matryoshka embeddings; dimensions must be unset (received dimensions=32).", "Leave EmbeddingGenerationOptions.Dimensions unset for this model, or use a value it supports.")]
    [InlineData("Parameter `normalize` was removed; use `use_activation` instead.", "Use use_activation instead of normalize.")]
    public void HintFor_KnownServerMessage_NamesItsFix(string message, string expected)
    {
        var hint = VllmErrors.HintFor(400, new VllmErrorInfo(message, "BadRequestError", null, 400), Context);

        Assert.Equal(expected, hint);
    }

    [Fact]
    public void ConnectionFailed_ResetAfterConnecting_SaysTheServerCutTheConnectionNotThatItIsUnreachable()
    {
        // What SocketsHttpHandler throws when the server resets the connection before the response headers were read.
        var reset = new HttpRequestException("An error occurred while sending the request.", new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)));

        var ex = VllmErrors.ConnectionFailed(new Uri("http://vllm.test:8000/v1"), reset, "req-1");

        Assert.Equal("vLLM request failed: The server at http://vllm.test:8000/v1 reset the connection before its answer arrived. Hint: The request reached the server or a proxy in front of it, which cut the connection (a crash, a restart, or a proxy's limit); see the vLLM server log and the proxy's.", ex.Message);
        Assert.Same(reset, ex.InnerException);
        Assert.Equal("req-1", ex.RequestId);
    }

    [Fact]
    public void ConnectionFailed_Refused_CouldNotReach()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

        var ex = VllmErrors.ConnectionFailed(new Uri("http://vllm.test:8000/v1"), refused);

        Assert.StartsWith("vLLM request failed: Could not reach the server at http://vllm.test:8000/v1 (connection refused).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HintFor_MessageMatchingTwoFixes_FirstInOrderWins()
    {
        // Names both --trust-request-chat-template and Matryoshka: the chat-template fix is listed first.
        const string message = "--trust-request-chat-template is not set; Matryoshka was also mentioned.";

        var hint = VllmErrors.HintFor(400, new VllmErrorInfo(message, "BadRequestError", null, 400), Context);

        Assert.Equal("Start vLLM with --trust-request-chat-template, or remove chat_template from the request.", hint);
    }

    [Theory]
    [InlineData("1 validation error for AssistantMessage\nname\n  Extra inputs are not permitted [type=extra_forbidden, input_value='WeatherAgent', input_type=str]", true)]
    [InlineData("1 validation error for ChatCompletionRequest\nfunctions\n  Extra inputs are not permitted [type=extra_forbidden, input_value=[], input_type=list]", false)]
    public void HintFor_ExtraInputsNotPermitted_NamesSendMessageNamesOnlyForName(string message, bool namesSetting)
    {
        var hint = VllmErrors.HintFor(400, new VllmErrorInfo(message, "BadRequestError", null, 400), Context);

        Assert.Equal(namesSetting, hint?.Contains("SendMessageNames = false", StringComparison.Ordinal) == true);
    }
}
