using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;

namespace Connectors.Vllm.Tests.Unit.TestHttp;

/// <summary>One request as it reached <see cref="InMemoryHandler"/>: headers (request and content, case-insensitive names) and body bytes.</summary>
internal sealed record InMemoryRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body)
{
    public string Path => Uri.AbsolutePath;

    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
