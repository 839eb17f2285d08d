using System;
using System.Text;
using Connectors.Vllm.Catalog;
using CsCheck;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>Property-based fuzzing (CsCheck) of Discovery's parsers — <c>/v1/models</c> and <c>/version</c> — over arbitrary
/// bytes and mutated reference bodies: only <see cref="VllmException"/> comes out (the chat and error parsers are fuzzed in
/// tests/Unit's ParserFuzzTests). FUZZ_ITERATIONS sets the cases per property (scripts/fuzz.sh).</summary>
public sealed class DiscoveryParserFuzzTests
{
    private static readonly Uri ModelsUrl = new("http://127.0.0.1:8000/v1/models");

    [Fact]
    public void ModelsParser_ArbitraryAndMutatedBodies_OnlyVllmException()
    {
        FuzzInputs.Run(Gen.OneOf(FuzzInputs.Bytes, FuzzInputs.Mutated(f => f.Contains("models", StringComparison.Ordinal))), body =>
        {
            var models = VllmDiscoveryHttp.ParseModels(body, ModelsUrl);
            Assert.All(models, m => Assert.NotNull(m.Id));
        });
    }

    [Fact]
    public void VersionParsers_ArbitraryAndMutatedBodies_NeverThrowUnexpected()
    {
        var version = Gen.OneOf(FuzzInputs.Bytes, Gen.Const(() => Encoding.UTF8.GetBytes("{\"version\":\"0.27.1\"}")), FuzzInputs.Mutated(f => f.Contains("models", StringComparison.Ordinal)));
        FuzzInputs.Run(version, body =>
        {
            var text = VllmServerInfo.FromVersionBody(ModelsUrl, body).VersionText;
            _ = VllmServerInfo.ParseVersion(text);
            _ = VllmServerInfo.ParseVersion(Encoding.UTF8.GetString(body));
            _ = new VllmServerInfo(ModelsUrl, Encoding.UTF8.GetString(body)).IsAtLeast(0, 10, 1);
        });
    }
}
