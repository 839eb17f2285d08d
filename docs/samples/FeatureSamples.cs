using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;

namespace DocsSamples;

/// <summary>Snippets of docs/vllm-features.md.</summary>
public static class FeatureSamples
{
    /// <summary>Reasoning and usage.</summary>
    public static async Task ReasoningAndUsageAsync(IChatClient client)
    {
        #region snippet_reasoning_usage
        ChatResponse response = await client.GetResponseAsync("What is 17 * 23?");
        foreach (TextReasoningContent thought in response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>())
        {
            Console.WriteLine($"thinking: {thought.Text}");
        }

        Console.WriteLine($"answer: {response.Text}");
        Console.WriteLine($"tokens: {response.Usage?.InputTokenCount} in, {response.Usage?.OutputTokenCount} out");

        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("What is 17 * 23?"))
        {
            foreach (AIContent content in update.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent reasoning: Console.Write($"[{reasoning.Text}]"); break;
                    case TextContent text: Console.Write(text.Text); break;
                    case UsageContent usage: Console.WriteLine($"\n{usage.Details.TotalTokenCount} tokens"); break;
                }
            }
        }
        #endregion
    }

    /// <summary>Images, audio and video.</summary>
    public static async Task MediaAsync(IChatClient client)
    {
        #region snippet_media
        byte[] photo = await File.ReadAllBytesAsync("cat.jpg");
        byte[] recording = await File.ReadAllBytesAsync("question.wav");
        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent("What is in the picture, and what does the recording ask?"),
            new DataContent(photo, "image/jpeg"),                         // image_url, base64 data URI
            new DataContent(recording, "audio/wav"),                      // input_audio (wav, mp3); other audio: audio_url
            new UriContent("https://example.com/clip.mp4", "video/mp4"),  // video_url: the server fetches it
        ]);

        ChatResponse response = await client.GetResponseAsync([message]); // e.g. Qwen/Qwen2.5-Omni-7B takes all three
        Console.WriteLine(response.Text);
        #endregion
    }

    /// <summary>Sampling and request extras.</summary>
    public static async Task ExtrasAsync(IChatClient client)
    {
        #region snippet_extras
        var options = new ChatOptions { Temperature = 0.7f, TopK = 20, MaxOutputTokens = 512 }
            .WithMinP(0.05f)
            .WithRepetitionPenalty(1.1f)
            .WithChatTemplateKwargs(new Dictionary<string, object?> { ["enable_thinking"] = false })
            .WithPriority(-1)
            .WithCacheSalt("tenant-42")
            .WithRequestId("order-1234")
            .WithVllmOption(VllmChatOptionsExtensions.IncludeStopStrInOutput, true); // any other vLLM field by its wire name

        ChatResponse response = await client.GetResponseAsync("Write a haiku about GPUs.", options);
        #endregion
        Console.WriteLine(response.Text);
    }

    /// <summary>A field of a vLLM newer than the library, through the SDK options' JSON patch.</summary>
    public static async Task NewerFieldAsync(IChatClient client)
    {
        #region snippet_newer_field
        #pragma warning disable SCME0001 // the SDK marks JsonPatch experimental
        var options = new ChatOptions
        {
            RawRepresentationFactory = _ =>
            {
                var raw = new OpenAI.Chat.ChatCompletionOptions();
                raw.Patch.Set("$.some_new_field"u8, 42);
                return raw;
            },
        };
        #pragma warning restore SCME0001

        ChatResponse response = await client.GetResponseAsync("Hello", options);
        #endregion
        Console.WriteLine(response.Text);
    }

    /// <summary>Typed per-token logprobs.</summary>
    public static async Task LogprobsAsync(IChatClient client)
    {
        #region snippet_logprobs
        var options = new ChatOptions().WithLogprobs(topLogprobs: 3); // logprobs: true, top_logprobs: 3
        ChatResponse response = await client.GetResponseAsync("Is water wet? Answer yes or no.", options);

        foreach (VllmTokenLogprob token in response.GetVllmLogprobs()) // streamed: update.GetVllmLogprobs(), or the combined response
        {
            var alternatives = string.Join(", ", token.TopLogprobs.Select(t => $"{t.Token} {Math.Exp(t.Logprob):P0}"));
            Console.WriteLine($"{token.Token}: {Math.Exp(token.Logprob):P1} (top: {alternatives})");
        }
        #endregion
    }

    /// <summary>Structured outputs.</summary>
    public static async Task StructuredOutputsAsync(IChatClient client)
    {
        #region snippet_structured_outputs
        // A JSON schema the portable MEAI way (works on every vLLM version):
        using JsonDocument schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        var json = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "place") };

        // vLLM's own constraints (sent as structured_outputs, or as guided_* to a vLLM older than 0.11):
        var yesNo = new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Choice("yes", "no"));
        var date = new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Regex(@"\d{4}-\d{2}-\d{2}"));
        var sql = new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Grammar("root ::= \"SELECT \" [a-z]+"));
        var typed = new ChatOptions().WithStructuredOutputs(VllmStructuredOutputs.Json(schema.RootElement));

        Console.WriteLine((await client.GetResponseAsync("Is water wet?", yesNo)).Text); // "yes" or "no"
        #endregion
        GC.KeepAlive(new object[] { json, date, sql, typed });
    }

    /// <summary>Tool calling.</summary>
    public static async Task ToolsAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_tools
        using IChatClient client = new VllmChatClient(providerOptions, "Qwen/Qwen3-8B")
            .AsBuilder()
            .UseFunctionInvocation()
            .Build();

        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Gets the weather")],
            ToolMode = ChatToolMode.Auto,
        };
        Console.WriteLine((await client.GetResponseAsync("Weather in Oslo?", options)).Text);
        #endregion
    }

    /// <summary>Embeddings.</summary>
    public static async Task EmbeddingsAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_embeddings
        using var generator = new VllmEmbeddingGenerator(providerOptions, new VllmEmbeddingGeneratorOptions
        {
            DefaultModelId = "BAAI/bge-m3",
            Encoding = VllmEmbeddingEncoding.Bytes,   // vLLM's binary answer; Base64 is the default
            EmbedDType = VllmEmbedDType.Float16,      // half the bytes on the wire; results are still float
            MaxBatchSize = 128,
        }, httpClient: null);

        GeneratedEmbeddings<Embedding<float>> vectors = await generator.GenerateAsync(
            ["first document", "second document"],
            new EmbeddingGenerationOptions { Dimensions = 512 }.WithTruncatePromptTokens(512));
        Console.WriteLine($"{vectors.Count} vectors of {vectors[0].Vector.Length}, {vectors.Usage?.InputTokenCount} tokens");
        #endregion
    }

    /// <summary>Tokenizer and token budget.</summary>
    public static async Task TokenizerAsync(VllmProviderOptions providerOptions, IChatClient inner)
    {
        #region snippet_tokenizer
        var tokenizer = new VllmTokenizer(providerOptions, "Qwen/Qwen3-8B");
        int count = await tokenizer.CountTokensAsync("How many tokens is this?");
        VllmTokenizeResult tokens = await tokenizer.TokenizeAsync([new ChatMessage(ChatRole.User, "Hi")]);
        Console.WriteLine($"{count} tokens; the chat prompt is {tokens.Count} of {tokens.MaxModelLen}");

        // Drop the oldest messages so every request fits the context window:
        var reducer = new VllmTokenBudgetChatReducer(tokenizer, new VllmTokenBudgetOptions { MaxOutputTokens = 1024 });
        IChatClient client = inner.AsBuilder().UseVllmTokenBudget(reducer).Build();
        #endregion
        GC.KeepAlive(client);
    }

    /// <summary>Reranking.</summary>
    public static async Task RerankAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_reranker
        var reranker = new VllmReranker(providerOptions, "BAAI/bge-reranker-v2-m3");
        VllmRerankResult ranked = await reranker.RerankAsync(
            "What is vLLM?",
            ["vLLM is an inference engine.", "Paris is in France."],
            new VllmRerankOptions { TopN = 1 });
        foreach (VllmRerankedDocument document in ranked.Results)
        {
            Console.WriteLine($"{document.Score:0.000} #{document.Index}: {document.Text}");
        }
        #endregion
    }

    /// <summary>Discovery and health.</summary>
    public static async Task DiscoveryAndHealthAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_discovery_health
        using var discovery = new VllmModelDiscovery(providerOptions);
        foreach (VllmModelDefinition model in await discovery.GetModelsAsync())
        {
            Console.WriteLine($"{model.Id} (context {model.ContextWindow}, LoRA of {model.Parent ?? "-"})");
        }

        VllmServerInfo server = await discovery.GetServerInfoAsync();
        Console.WriteLine($"vLLM {server.Version}");

        VllmHealthReport report = await new VllmHealthProbe(providerOptions).ProbeAsync();
        Console.WriteLine(report); // reachable · auth ok · models · private network approved
        #endregion
    }
}
