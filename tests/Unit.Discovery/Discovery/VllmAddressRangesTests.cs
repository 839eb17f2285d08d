using System;
using System.Net;
using System.Threading.Tasks;
using Connectors.Vllm.Http;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Discovery;

public sealed class VllmAddressRangesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.10.1", "loopback")]
    [InlineData("10.0.0.1", "10.0.0.0/8")]
    [InlineData("10.255.255.255", "10.0.0.0/8")]
    [InlineData("172.16.0.1", "172.16.0.0/12")]
    [InlineData("172.31.255.254", "172.16.0.0/12")]
    [InlineData("192.168.1.10", "192.168.0.0/16")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("100.64.0.1", "100.64.0.0/10")]
    [InlineData("100.127.255.255", "100.64.0.0/10")]
    [InlineData("0.0.0.0", "0.0.0.0/8")]
    [InlineData("0.1.2.3", "0.0.0.0/8")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "fc00::/7")]
    [InlineData("fd12:3456:789a::1", "fc00::/7")]
    [InlineData("fe80::1", "fe80::/10")]
    [InlineData("febf::1", "fe80::/10")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback")]
    [InlineData("::ffff:10.1.2.3", "IPv4-mapped private")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped link-local")]
    [InlineData("::ffff:100.64.1.1", "IPv4-mapped carrier-grade NAT")]
    [InlineData("::127.0.0.1", "IPv4-compatible loopback")]
    [InlineData("::192.168.0.1", "IPv4-compatible private")]
    [InlineData("64:ff9b::7f00:1", "NAT64 loopback")]
    [InlineData("2002:c0a8:0101::1", "6to4 private")]
    public void Classify_PrivateAddress_NamesRange(string address, string expected)
    {
        var range = VllmAddressRanges.Classify(IPAddress.Parse(address));

        Assert.NotNull(range);
        Assert.Contains(expected, range, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1", "private (10.0.0.0/8)")]
    [InlineData("100.64.0.1", "carrier-grade NAT (100.64.0.0/10)")]
    [InlineData("0.0.0.0", "\"this network\" (0.0.0.0/8)")]
    [InlineData("240.0.0.1", "reserved (240.0.0.0/4)")]
    [InlineData("::", "unspecified (::)")]
    [InlineData("::1", "loopback (::1)")]
    [InlineData("fd00::1", "unique local (fc00::/7)")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback (127.0.0.0/8)")]
    [InlineData("::ffff:7f00:1", "IPv4-mapped loopback (127.0.0.0/8)")]
    [InlineData("::8.8.8.8", "IPv4-compatible (deprecated)")]
    [InlineData("64:ff9b::a00:1", "NAT64 private (10.0.0.0/8)")]
    [InlineData("2002:c0a8:0101::1", "6to4 private (192.168.0.0/16)")]
    public void Classify_PrivateAddress_NameShownInRefusalIsExact(string address, string expected)
    {
        Assert.Equal(expected, VllmAddressRanges.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("169.253.1.1")]
    [InlineData("192.167.1.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:0808:0808::1")]
    public void Classify_PublicAddress_ReturnsNull(string address)
    {
        Assert.Null(VllmAddressRanges.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Refusal_PrivateAddress_RefusedWithoutFlagAllowedWithIt(string address)
    {
        var ip = IPAddress.Parse(address);
        var without = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://vllm.example.com/v1") });
        var with = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://vllm.example.com/v1"), AllowPrivateNetwork = true });

        Assert.NotNull(without.Refusal(ip));
        Assert.Null(with.Refusal(ip));
    }

    [Fact]
    public void Refusal_PublicAddress_AllowedWithoutFlag()
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://vllm.example.com/v1") });

        Assert.Null(policy.Refusal(IPAddress.Parse("8.8.8.8")));
        Assert.Equal("public address", policy.Approval(IPAddress.Parse("8.8.8.8")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Refusal_DefaultBaseUrl_ApprovesLoopback(string address)
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions());

        Assert.True(policy.DefaultLoopbackApproved);
        Assert.Null(policy.Refusal(IPAddress.Parse(address)));
        Assert.Equal(VllmNetworkPolicy.DefaultLoopbackReason, policy.Approval(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    public void Refusal_DefaultBaseUrl_StillRefusesOtherPrivateRanges(string address)
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions());

        Assert.NotNull(policy.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/v1", true)]
    [InlineData("http://127.0.0.1:8000/v1/", true)]
    [InlineData("http://127.0.0.1:8001/v1", false)]
    [InlineData("http://localhost:8000/v1", true)]
    [InlineData("http://[::1]:8000/v1", true)]
    [InlineData("http://localhost:8001/v1", false)]
    [InlineData("http://localhost.example.com:8000/v1", false)]
    [InlineData("https://127.0.0.1:8000/v1", false)]
    [InlineData("http://127.0.0.1:8000/", false)]
    [InlineData("http://192.168.1.5:8000/v1", false)]
    public void IsDefaultBaseUrl_DocumentedDefaultOnThisMachine_True(string url, bool expected)
    {
        Assert.Equal(expected, VllmNetworkPolicy.IsDefaultBaseUrl(new Uri(url)));
    }

    [Fact]
    public void RefusedException_HintNamesAllowPrivateNetwork()
    {
        var ex = VllmNetworkPolicy.From(new VllmProviderOptions()).RefusedException("intranet.local", IPAddress.Parse("10.0.0.1"), "private (10.0.0.0/8)");

        Assert.Null(ex.StatusCode);
        Assert.Contains("AllowPrivateNetwork", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("10.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedException_NothingSent_MessageNamesTheGateNotVllm()
    {
        var ex = VllmNetworkPolicy.From(new VllmProviderOptions()).RefusedException("intranet.local", IPAddress.Parse("10.0.0.1"), "private (10.0.0.0/8)");

        Assert.Equal(
            "The private-network gate refused to connect to intranet.local (10.0.0.1, a private (10.0.0.0/8) address); nothing was sent. "
            + "Hint: If you trust this server, set AllowPrivateNetwork = true (Vllm:AllowPrivateNetwork in configuration).",
            ex.Message);
        Assert.Null(ex.ServerMessage);
    }

    [Fact]
    public void RefusedException_OptionsFromNestedSection_HintNamesThatSectionsKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes("""{"Ai":{"Local":{"BaseUrl":"http://10.0.0.1:8000/v1"}}}""")))
            .Build();
        var options = VllmProviderOptions.FromConfiguration(configuration.GetSection("Ai:Local"));

        var ex = VllmNetworkPolicy.From(options).RefusedException("10.0.0.1", IPAddress.Parse("10.0.0.1"), "private (10.0.0.0/8)");

        Assert.Equal("If you trust this server, set AllowPrivateNetwork = true (Ai:Local:AllowPrivateNetwork in configuration).", ex.Hint);
    }

    [Theory]
    [InlineData("http://localhost:8000/v1")]
    [InlineData("http://LOCALHOST:8000/v1/")]
    [InlineData("http://[::1]:8000/v1")]
    public void Refusal_LocalhostOrIpv6LoopbackOnDefaultPort_ApprovesLoopbackOnly(string url)
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri(url) });

        Assert.True(policy.DefaultLoopbackApproved);
        Assert.Null(policy.Refusal(IPAddress.Loopback));
        Assert.Null(policy.Refusal(IPAddress.IPv6Loopback));
        Assert.Equal(VllmNetworkPolicy.DefaultLoopbackReason, policy.Approval(IPAddress.Loopback));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("10.0.0.1"))); // a localhost that resolves elsewhere is still refused
        Assert.NotNull(policy.Refusal(IPAddress.Parse("192.168.1.20")));
    }

    [Theory]
    [InlineData("http://localhost:8001/v1")]
    [InlineData("http://[::1]:8001/v1")]
    [InlineData("http://localhost:8000/")]
    public void Refusal_LocalhostNotTheDocumentedDefault_RefusesLoopback(string url)
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri(url) });

        Assert.False(policy.DefaultLoopbackApproved);
        Assert.NotNull(policy.Refusal(IPAddress.Loopback));
    }

    [Fact]
    public async Task ConnectAsync_LocalhostDefaultPortWithoutAllowPrivateNetwork_Connects()
    {
        System.Net.Sockets.TcpListener listener;
        try
        {
            listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 8000);
            listener.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
            Assert.Skip("Port 8000 is in use on this machine; the policy decision is covered by Refusal_LocalhostOrIpv6LoopbackOnDefaultPort_ApprovesLoopbackOnly.");
            return;
        }

        try
        {
            var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://localhost:8000/v1") });
            var accept = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);

            await using var stream = await VllmHttpHandler.ConnectAsync(policy, new DnsEndPoint("localhost", 8000), TestContext.Current.CancellationToken);
            using var accepted = await accept;

            Assert.True(stream.CanWrite);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ConnectAsync_LocalhostOtherPortWithoutAllowPrivateNetwork_RefusedByGate()
    {
        var policy = VllmNetworkPolicy.From(new VllmProviderOptions { BaseUrl = new Uri("http://localhost:8001/v1") });

        var ex = await Assert.ThrowsAsync<VllmException>(async () => await VllmHttpHandler.ConnectAsync(policy, new DnsEndPoint("localhost", 8001), TestContext.Current.CancellationToken));

        Assert.StartsWith("The private-network gate refused to connect to localhost (", ex.Message, StringComparison.Ordinal);
    }
}
