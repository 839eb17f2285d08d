using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Configuration;
using Connectors.Vllm.Errors;
using Connectors.Vllm.Http;
using CsCheck;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Security;

/// <summary>
/// Property-based fuzzing (CsCheck) of every parser we own, over arbitrary bytes and mutated reference bodies:
/// only our documented exceptions come out (VllmException; FormatException/ArgumentException where documented),
/// never NullReference/IndexOutOfRange/InvalidOperation, and no hang (the xunit Timeout guards that).
/// FUZZ_ITERATIONS sets the cases per property (scripts/fuzz.sh); the default keeps CI to a few seconds.
/// </summary>
public sealed class ParserFuzzTests
{
        private static readonly VllmErrorContext ErrorContext = new(new Uri("http://127.0.0.1:8000/v1"), "m", ["m"], 8192);

    [Fact]
    public void ErrorBodies_ArbitraryAndMutated_ParseAndHintNeverThrow()
    {
        FuzzInputs.Run(Gen.OneOf(FuzzInputs.Bytes, FuzzInputs.Mutated(f => f.StartsWith("error-", StringComparison.Ordinal))), body =>
        {
            _ = VllmErrors.Parse(body);
            foreach (var status in new[] { 400, 401, 404, 413, 429, 500, 503 })
            {
                var ex = VllmErrors.FromResponse(status, body, ErrorContext);
                Assert.NotNull(ex.Message);
            }
        });
    }

    [Fact]
    public void ChatResponseReader_ArbitraryAndMutatedBodies_OnlyVllmOrJsonException()
    {
        // GetResponseAsync turns the reader's JsonException into VllmException ("not valid JSON").
        FuzzInputs.Run(Gen.OneOf(FuzzInputs.Bytes, FuzzInputs.Mutated(f => f.StartsWith("chat-response", StringComparison.Ordinal))), body =>
        {
            try
            {
                _ = VllmChatResponseReader.Read(body);
            }
            catch (JsonException)
            {
            }
        });
    }

    [Fact]
    public async Task SseReaderAndChunkParser_ArbitraryAndMutatedStreams_OnlyVllmException()
    {
        var gen = Gen.OneOf(FuzzInputs.Bytes, FuzzInputs.Mutated(f => f.EndsWith(".sse", StringComparison.Ordinal)));
        await gen.SampleAsync(
            async body =>
            {
                try
                {
                    using var reader = new VllmSseReader(new MemoryStream(body), 4096, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
                    var parser = new VllmChatStreamParser(ErrorContext);
                    var updates = 0;
                    while (await reader.ReadAsync())
                    {
                        if (parser.Parse(reader.Data) is not null)
                        {
                            updates++;
                        }

                        Assert.True(updates < 1_000_000);
                    }

                    _ = parser.CreateUsageUpdate();
                    parser.EnsureComplete(reader.BytesRead);
                    Assert.True(parser.Done, "a stream without [DONE] must not complete quietly");
                }
                catch (VllmException)
                {
                }
            },
            iter: FuzzInputs.Iterations,
            threads: 1);
    }

    [Fact]
    public void ConfigurationBinding_RandomKeysAndValues_OnlyVllmException()
    {
        string[] keys = ["BaseUrl", "ApiKey", "Api", "AllowPrivateNetwork", "ConnectTimeout", "FirstByteTimeout", "StreamIdleTimeout", "MaxSseLineBytes",
            "MaxResponseBytes", "MaxModelsBodyBytes", "DiscoveryCacheTtl", "Retry:MaxAttempts", "Retry:BaseDelay", "Retry:MaxDelay", "Retry:MaxTotalTime",
            "Headers:X-Api-Key", "Headers:", "Models:0:Id", "Models:0:ContextWindow", "Models:0:MaxTokens", "Models:0:Input:0", "Models:0:Reasoning",
            "Models:0:Cost:Input", "Models:1:Id", "Models:x:Id", "Unknown", ""];
        string[] values = ["", " ", "http://127.0.0.1:8000/v1", "https://example.com/v1", "ftp://x", "not a url", "${VLLM_FUZZ_UNSET}", "${", "$${x}", "${A:-b}",
            "true", "false", "yes", "0", "-1", "2147483648", "99999999999999999999", "00:00:01", "-00:00:01", "1.02:03:04", "NaN", "1e309", "text", "image",
            "0.5", "\0", "\u00e9\u00e9", "sk-fuzz-canary"];
        var pair = Gen.Select(Gen.Int[0, keys.Length - 1], Gen.Int[0, values.Length - 1], Gen.String[0, 12], Gen.Bool,
            (k, v, s, useRandom) => new KeyValuePair<string, string?>(keys[k], useRandom ? s : values[v]));
        var sections = pair.Array[0, 12];
        sections.Sample(
            entries =>
            {
                var dict = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in entries)
                {
                    dict["Vllm:" + key] = value;
                }

                // The canary must not leak from ApiKey or a header; other settings may quote their (non-secret) value.
                var secretOnly = !dict.Any(kv => kv.Value == "sk-fuzz-canary" && !kv.Key.Contains("ApiKey", StringComparison.OrdinalIgnoreCase) && !kv.Key.Contains("Headers", StringComparison.OrdinalIgnoreCase));
                var canary = secretOnly ? "sk-fuzz-canary" : "\u0001never";

                var section = new ConfigurationBuilder().AddInMemoryCollection(dict).Build().GetSection("Vllm");
                try
                {
                    var options = VllmProviderOptions.FromConfiguration(section);
                    Assert.NotNull(options.ToString());
                    Assert.DoesNotContain(canary, options.ToString(), StringComparison.Ordinal);
                }
                catch (VllmException ex)
                {
                    Assert.DoesNotContain(canary, ex.Message, StringComparison.Ordinal);
                }
            },
            iter: FuzzInputs.Iterations,
            threads: 1);
    }

    [Fact]
    public void EnvironmentExpansion_RandomTemplates_OnlyVllmException()
    {
        var template = Gen.OneOf(
            Gen.String[0, 64],
            Gen.Char["${}:-_ABCxyz019\\$"].Array[0, 40].Select(c => new string(c)));
        template.Sample(
            value =>
            {
                try
                {
                    _ = VllmEnvironment.Expand(value, "Vllm:ApiKey", name => name.Length % 3 == 0 ? null : "v-" + name);
                }
                catch (VllmException)
                {
                }
            },
            iter: FuzzInputs.Iterations,
            threads: 1);
    }
}
