using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Connectors.Vllm.Tests.Unit.TestHttp;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

/// <summary>The one size-capped reader of whole response bodies.</summary>
public sealed class VllmBodyReaderTests
{
    private static readonly VllmEndpoint Endpoint = VllmEndpoint.Resolve(new VllmProviderOptions());

    [Theory]
    [InlineData(null, "Vllm:FirstByteTimeout")]
    [InlineData("Aspire:Vllm:chat", "Aspire:Vllm:chat:FirstByteTimeout")]
    public async Task ReadAsync_BodyBreaksOff_HintNamesTheTimeoutUnderTheBoundSection(string? section, string key)
    {
        var options = section is null
            ? new VllmProviderOptions()
            : VllmProviderOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection([new($"{section}:BaseUrl", "http://127.0.0.1:8000/v1")]).Build().GetSection(section));
        using var response = await SendAsync(new CountingStream(Encoding.UTF8.GetBytes("{\"choices\":"), breakAtEnd: true), declaredLength: null);

        var ex = await Assert.ThrowsAsync<VllmException>(async () => await VllmBodyReader.ReadAsync(response, 1024, VllmEndpoint.Resolve(options), CancellationToken.None));

        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"raise {key} ", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthArrived_NoFurtherRead()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"ok\":true}");
        var body = new CountingStream(bytes);
        using var response = await SendAsync(body, declaredLength: bytes.Length);

        var read = await VllmBodyReader.ReadAsync(response, 1024, Endpoint, CancellationToken.None);

        Assert.Equal(bytes, read.Memory.ToArray());
        Assert.False(read.TooLarge);
        Assert.Equal(1, body.Reads); // the declared length says the body is complete: no read only to see its end
    }

    [Fact]
    public async Task ReadAsync_NoDeclaredLength_ReadsToTheEnd()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"ok\":true}");
        var body = new CountingStream(bytes);
        using var response = await SendAsync(body, declaredLength: null);

        var read = await VllmBodyReader.ReadAsync(response, 1024, Endpoint, CancellationToken.None);

        Assert.Equal(bytes, read.Memory.ToArray());
        Assert.Equal(2, body.Reads);
    }

    [Fact]
    public async Task ReadErrorAsync_BodyBreaksOff_ReturnsEmpty()
    {
        using var response = await SendAsync(new CountingStream(Encoding.UTF8.GetBytes("{\"error\":"), breakAtEnd: true), declaredLength: null);

        var read = await VllmBodyReader.ReadErrorAsync(response, Endpoint, CancellationToken.None);

        Assert.True(read.IsEmpty); // the status alone still makes the error; the broken body is not quoted
    }

    [Fact]
    public async Task ReadErrorAsync_BodyOverCap_KeepsTheFirstBytes()
    {
        var bytes = new byte[VllmBodyReader.MaxErrorBodyBytes + 1000];
        Array.Fill(bytes, (byte)'x');
        bytes[0] = (byte)'{';
        using var response = await SendAsync(new CountingStream(bytes), declaredLength: null);

        var read = await VllmBodyReader.ReadErrorAsync(response, Endpoint, CancellationToken.None);

        Assert.Equal(bytes.AsMemory(0, VllmBodyReader.MaxErrorBodyBytes).ToArray(), read.ToArray());
    }

    private static async Task<PipelineResponse> SendAsync(Stream body, long? declaredLength)
    {
        var handler = new InMemoryHandler(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Headers.ContentLength = declaredLength;
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content };
        });
        var pipeline = ClientPipeline.Create(new ClientPipelineOptions { Transport = new HttpClientPipelineTransport(handler.CreateClient()) });
        var message = pipeline.CreateMessage();
        message.Request.Method = "GET";
        message.Request.Uri = new Uri("http://127.0.0.1:9/v1/models");
        message.BufferResponse = false;
        await pipeline.SendAsync(message);
        return message.ExtractResponse()!;
    }

    /// <summary>A non-seekable body that counts the reads asked of it; <paramref name="breakAtEnd"/> makes its end a broken
    /// connection.</summary>
    private sealed class CountingStream(byte[] bytes, bool breakAtEnd = false) : Stream
    {
        private int _position;

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            if (breakAtEnd && _position == bytes.Length)
            {
                throw new IOException("The connection was reset.");
            }

            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
