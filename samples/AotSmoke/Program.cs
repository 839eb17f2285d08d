using System;
using System.Text;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;

// Usage: AotSmoke <base-url> [chat-model] [embedding-model]
// For example against the scripted test server (dotnet run --project samples/AgentDemo -- serve --port 8011):
//   AotSmoke http://127.0.0.1:8011/v1 test-model test-embedding-model
if (args.Length == 0 || !Uri.TryCreate(args[0], UriKind.Absolute, out var baseUrl))
{
    Console.Error.WriteLine("usage: AotSmoke <base-url> [chat-model] [embedding-model]");
    return 2;
}

var options = new VllmProviderOptions { BaseUrl = baseUrl, AllowPrivateNetwork = true };
var chatModel = args.Length > 1 ? args[1] : null;
var embeddingModel = args.Length > 2 ? args[2] : null;

using IChatClient chat = new VllmChatClient(options, chatModel);
var response = await chat.GetResponseAsync("hello from native code").ConfigureAwait(false);
Console.WriteLine($"non-streaming: {response.Text}");
Console.WriteLine($"usage: {response.Usage?.InputTokenCount}/{response.Usage?.OutputTokenCount}");

var streamed = new StringBuilder();
long? streamedOutputTokens = null;
await foreach (var update in chat.GetStreamingResponseAsync("hello again").ConfigureAwait(false))
{
    streamed.Append(update.Text);
    foreach (var content in update.Contents)
    {
        if (content is UsageContent usage)
        {
            streamedOutputTokens = usage.Details.OutputTokenCount;
        }
    }
}

Console.WriteLine($"streaming: {streamed}");
Console.WriteLine($"streaming usage: {streamedOutputTokens}");

if (embeddingModel is not null)
{
    using var embeddings = new VllmEmbeddingGenerator(options, embeddingModel);
    var vectors = await embeddings.GenerateAsync(["one", "two"]).ConfigureAwait(false);
    Console.WriteLine($"embeddings: {vectors.Count} x {vectors[0].Vector.Length}");
}

return 0;
