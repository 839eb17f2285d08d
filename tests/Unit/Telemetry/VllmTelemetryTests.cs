using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.Telemetry;

/// <summary>
/// MEAI's <c>UseOpenTelemetry()</c> around our clients: spans and <c>gen_ai.client.token.usage</c> carry
/// provider "vllm", the server address and port, the model and the usage counts (from our metadata), and never the key.
/// </summary>
public sealed class VllmTelemetryTests : IAsyncLifetime, IDisposable
{
    private const string Key = "sk-telemetry-secret-4f1c";
    private const string EmbeddingModel = "test-embedder";

    private readonly string _sourceName = "Connectors.Vllm.Tests.Telemetry." + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentQueue<(string Instrument, long? Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener;
    private VllmTestServer _server = null!;

    public VllmTelemetryTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == _sourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);

        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == _sourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, null, tags));
        _meterListener.Start();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = new VllmTestServerOptions { ApiKey = Key };
        options.Models.Add(new VllmTestModel(VllmTestServerOptions.DefaultModelId));
        options.Models.Add(new VllmTestModel(EmbeddingModel) { IsEmbedding = true });
        _server = await VllmTestServer.StartAsync(options, Ct);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseOpenTelemetry_Chat_SpanAndTokenMetricCarryVllmServerModelAndUsage(bool streaming)
    {
        using var client = new VllmChatClient(Options(), VllmTestServerOptions.DefaultModelId)
            .AsBuilder()
            .UseOpenTelemetry(sourceName: _sourceName, configure: c => c.EnableSensitiveData = false)
            .Build();

        if (streaming)
        {
            await foreach (var update in client.GetStreamingResponseAsync("hello telemetry", cancellationToken: Ct))
            {
                Assert.NotNull(update);
            }
        }
        else
        {
            var response = await client.GetResponseAsync("hello telemetry", cancellationToken: Ct);
            Assert.Equal("[test-model] echo: hello telemetry", response.Text);
        }

        var span = Assert.Single(_activities);
        AssertCommonTags(span.TagObjects.ToDictionary(t => t.Key, t => t.Value), "chat", VllmTestServerOptions.DefaultModelId);
        Assert.True(Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), CultureInfo.InvariantCulture) > 0);
        Assert.True(Convert.ToInt64(span.GetTagItem("gen_ai.usage.output_tokens"), CultureInfo.InvariantCulture) > 0);
        AssertNoSecret(span);

        var usage = _measurements.Where(m => m.Instrument == "gen_ai.client.token.usage").ToList();
        Assert.Equal(2, usage.Count);
        Assert.Equal(new[] { "input", "output" }, usage.Select(m => (string?)m.Tags["gen_ai.token.type"]).Order(StringComparer.Ordinal));
        Assert.All(usage, m =>
        {
            Assert.True(m.Value > 0);
            AssertCommonTags(m.Tags, "chat", VllmTestServerOptions.DefaultModelId);
        });
        Assert.Contains(_measurements, m => m.Instrument == "gen_ai.client.operation.duration");
        Assert.DoesNotContain(_measurements.SelectMany(m => m.Tags.Values), v => v?.ToString()?.Contains(Key, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task UseOpenTelemetry_Embeddings_SpanCarriesVllmServerModelAndUsage()
    {
        using var generator = new VllmEmbeddingGenerator(Options(), EmbeddingModel)
            .AsBuilder()
            .UseOpenTelemetry(sourceName: _sourceName)
            .Build();

        var embeddings = await generator.GenerateAsync(["one", "two"], cancellationToken: Ct);

        Assert.Equal(2, embeddings.Count);
        var span = Assert.Single(_activities);
        AssertCommonTags(span.TagObjects.ToDictionary(t => t.Key, t => t.Value), "embeddings", EmbeddingModel);
        Assert.True(Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), CultureInfo.InvariantCulture) > 0);
        AssertNoSecret(span);
        var usage = Assert.Single(_measurements, m => m.Instrument == "gen_ai.client.token.usage");
        Assert.Equal("input", usage.Tags["gen_ai.token.type"]);
        AssertCommonTags(usage.Tags, "embeddings", EmbeddingModel);
    }

    private VllmProviderOptions Options() => new() { BaseUrl = _server.BaseUrl, ApiKey = Key, AllowPrivateNetwork = true };

    private void AssertCommonTags(IReadOnlyDictionary<string, object?> tags, string operation, string model)
    {
        Assert.Equal("vllm", tags["gen_ai.provider.name"]);
        Assert.Equal(operation, tags["gen_ai.operation.name"]);
        Assert.Equal(model, tags["gen_ai.request.model"]);
        Assert.Equal("127.0.0.1", tags["server.address"]);
        Assert.Equal(_server.BaseUrl.Port, Convert.ToInt32(tags["server.port"], CultureInfo.InvariantCulture));
    }

    private static void AssertNoSecret(Activity span)
    {
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains(Key, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(span.Events.SelectMany(e => e.Tags), t => t.Value?.ToString()?.Contains(Key, StringComparison.Ordinal) == true);
    }

    private void Record(Instrument instrument, long? value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
