// Microsoft.Extensions.AI marks its speech-to-text API experimental (MEAI001), Semantic Kernel its audio-to-text
// service (SKEXP0001): code that uses them suppresses those diagnostics, as here.
#pragma warning disable MEAI001, SKEXP0001
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.AudioToText;
using Microsoft.SemanticKernel.TextGeneration;

namespace DocsSamples;

/// <summary>The speech-to-text and text-completion snippets of docs/vllm-features.md.</summary>
public static class SpeechAndCompletionSamples
{
    /// <summary>Speech to text with Microsoft.Extensions.AI.</summary>
    public static async Task SpeechToTextAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_speech_to_text
        using var speech = new VllmSpeechToTextClient(providerOptions, "openai/whisper-large-v3-turbo");
        await using (FileStream audio = File.OpenRead("meeting.wav"))
        {
            SpeechToTextResponse transcript = await speech.GetTextAsync(audio, new SpeechToTextOptions
            {
                SpeechLanguage = "en",
                AdditionalProperties = new() { ["prompt"] = "vLLM, Whisper", ["temperature"] = 0.0 },
            });
            Console.WriteLine($"{transcript.Text} ({transcript.Usage?.AdditionalCounts?["audio_seconds"]} s of audio)");
        }

        // Streamed, and translated into English (TextLanguage "en" uses /v1/audio/translations):
        await using FileStream french = File.OpenRead("reunion.wav");
        await foreach (SpeechToTextResponseUpdate update in speech.GetStreamingTextAsync(french, new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "en" }))
        {
            Console.Write(update.Text); // the last update carries a UsageContent
        }
        #endregion
    }

    /// <summary>Speech to text registered with dependency injection.</summary>
    public static void SpeechToTextServices(IServiceCollection services, VllmProviderOptions providerOptions)
    {
        #region snippet_speech_to_text_di
        services.AddVllmSpeechToTextClient(providerOptions, "openai/whisper-large-v3-turbo")
            .UseLogging()
            .UseOpenTelemetry();
        #endregion
    }

    /// <summary>Speech to text from Semantic Kernel.</summary>
    public static async Task AudioToTextAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_audio_to_text_sk
        Kernel kernel = Kernel.CreateBuilder()
            .AddVllmAudioToText(providerOptions, "openai/whisper-large-v3-turbo")
            .Build();
        IAudioToTextService speech = kernel.GetRequiredService<IAudioToTextService>();
        var audio = new AudioContent(await File.ReadAllBytesAsync("meeting.wav"), "audio/wav");
        var text = await speech.GetTextContentAsync(audio, new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object> { ["language"] = "en", ["prompt"] = "vLLM, Whisper" },
        });
        Console.WriteLine(text.Text);
        #endregion
    }

    /// <summary>Text completions from Semantic Kernel.</summary>
    public static async Task TextGenerationAsync(VllmProviderOptions providerOptions)
    {
        #region snippet_text_generation
        Kernel kernel = Kernel.CreateBuilder()
            .AddVllmTextGeneration(providerOptions, "meta-llama/Llama-3.2-1B")
            .Build();
        ITextGenerationService completions = kernel.GetRequiredService<ITextGenerationService>();
        var settings = new VllmPromptExecutionSettings
        {
            MaxTokens = 64, // vLLM's default on /v1/completions is 16
            TopK = 20,
            ExtensionData = new Dictionary<string, object> { ["echo"] = true, ["logprobs"] = 2, ["stop"] = new[] { "\n\n" } },
        };

        var completion = await completions.GetTextContentAsync("The capital of France is", settings, kernel);
        var usage = completion.Metadata?["Usage"] as UsageDetails;
        Console.WriteLine($"{completion.Text} [{completion.Metadata?["FinishReason"]}, {usage?.TotalTokenCount} tokens]");

        await foreach (StreamingTextContent chunk in completions.GetStreamingTextContentsAsync("Once upon a time", settings, kernel))
        {
            Console.Write(chunk.Text); // the last chunk's Metadata["Usage"] holds the usage
        }
        #endregion
    }
}
