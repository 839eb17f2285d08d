using Connectors.Vllm.ChatProtocol;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Wire;
using Microsoft.SemanticKernel;

namespace Connectors.Vllm.Completions;

/// <summary>
/// Writes one <c>/v1/completions</c> request body (wire reference §16.1) from a prompt and Semantic Kernel settings: the
/// typed vLLM extras of <see cref="VllmPromptExecutionSettings"/>, then every <see cref="PromptExecutionSettings.ExtensionData"/>
/// entry under its wire name (<c>echo</c>, <c>logprobs</c>, <c>stop</c>, <c>structured_outputs</c>…). Fields the route refuses
/// or that belong to chat only are refused before sending, with what to use instead.
/// </summary>
internal static class VllmCompletionRequestWriter
{
    /// <summary>Keys the route refuses, ignores or does not have, with what to do instead.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["suffix"] = "vLLM's /v1/completions refuses any suffix (400 \"suffix is not currently supported\"): remove it",
        ["best_of"] = "vLLM removed best_of in v0.12.0 and ignores it: remove it (use n, or use_beam_search)",
        ["max_completion_tokens"] = "the completions route takes max_tokens: use MaxTokens or \"max_tokens\"",
        ["top_logprobs"] = "the completions route takes \"logprobs\" as the number of alternatives per token: use \"logprobs\": N",
        ["messages"] = "text completions take a prompt, not messages: use the chat completion service for a conversation",
        ["tools"] = "text completions have no tools: use the chat completion service",
        ["tool_choice"] = "text completions have no tools: use the chat completion service",
        ["parallel_tool_calls"] = "text completions have no tools: use the chat completion service",
        ["reasoning_effort"] = "text completions have no reasoning controls: use the chat completion service",
        ["include_reasoning"] = "text completions have no reasoning controls: use the chat completion service",
        ["chat_template"] = "text completions apply no chat template: use the chat completion service",
        ["chat_template_kwargs"] = "text completions apply no chat template: remove ChatTemplateKwargs, or use the chat completion service",
        ["add_generation_prompt"] = "text completions apply no chat template: remove it",
        ["continue_final_message"] = "text completions apply no chat template: remove it",
        ["documents"] = "text completions apply no chat template: remove it",
    };

    /// <summary>Keys the service writes itself.</summary>
    private static readonly Dictionary<string, string> Own = new(StringComparer.Ordinal)
    {
        ["prompt"] = "the prompt is the call's argument",
        ["model"] = "set PromptExecutionSettings.ModelId",
        ["stream"] = "call GetStreamingTextContentsAsync to stream",
        ["stream_options"] = "usage is always asked for when streaming",
    };

    /// <summary>Writes the body.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="model">The model, or <see langword="null"/> for the server's first served model.</param>
    /// <param name="settings">The caller's settings, or <see langword="null"/>.</param>
    /// <param name="stream">Whether to stream (then usage is asked for too).</param>
    /// <exception cref="NotSupportedException">A setting the route refuses or does not have.</exception>
    /// <exception cref="ArgumentException">A setting the service writes itself, or a value that cannot be written as JSON.</exception>
    public static byte[] Write(string prompt, string? model, PromptExecutionSettings? settings, bool stream)
    {
        var typed = Typed(settings as VllmPromptExecutionSettings);
        var extension = settings?.ExtensionData;
        if (extension is not null)
        {
            foreach (var (key, value) in extension)
            {
                // The route's own refusals first (they say what to use instead), then the one list of OpenAI-only fields.
                var why = Refused.GetValueOrDefault(key) ?? (VllmRequestBodyRewriter.IsNeverSent(key) ? "vLLM is not OpenAI: remove it" : null);
                if (why is not null)
                {
                    throw new NotSupportedException($"The execution setting \"{key}\" cannot be sent to /v1/completions: {why}.");
                }

                if (Own.TryGetValue(key, out var instead))
                {
                    throw new ArgumentException($"The execution setting \"{key}\" is written by the text generation service itself: {instead}.", nameof(settings));
                }

                if (key == "logprobs" && value is bool or JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False })
                {
                    throw new NotSupportedException("The execution setting \"logprobs\" is a boolean, but /v1/completions takes the number of alternatives per token (0 to 20): use \"logprobs\": N.");
                }

                if (key == "n" && AsLong(value) > 1)
                {
                    throw new NotSupportedException("The execution setting \"n\" asks for several completions, but the text generation service returns one: make several calls (with different seeds) instead, or remove \"n\".");
                }
            }
        }

        if (settings is VllmPromptExecutionSettings { ChatTemplateKwargs: not null })
        {
            throw new NotSupportedException($"VllmPromptExecutionSettings.ChatTemplateKwargs cannot be sent to /v1/completions: {Refused["chat_template_kwargs"]}.");
        }

        return VllmRequestJson.Build(model, writer =>
        {
            writer.WriteString("prompt", prompt);
            if (stream)
            {
                writer.WriteBoolean("stream", true);
                writer.WriteStartObject("stream_options");
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }

            foreach (var (name, value) in typed)
            {
                writer.WritePropertyName(name);
                VllmRequestJson.Write(writer, value);
            }

            if (extension is not null)
            {
                foreach (var (key, value) in extension)
                {
                    if (!typed.ContainsKey(key))
                    {
                        writer.WritePropertyName(key);
                        VllmJsonValueWriter.Write(writer, key, value);
                    }
                }
            }
        });
    }

    /// <summary>The typed properties that are set, under their wire names (they win over the same key in ExtensionData).</summary>
    private static Dictionary<string, object> Typed(VllmPromptExecutionSettings? settings)
    {
        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        if (settings is null)
        {
            return fields;
        }

        Add(fields, "temperature", settings.Temperature);
        Add(fields, "top_p", settings.TopP);
        Add(fields, "top_k", settings.TopK);
        Add(fields, "min_p", settings.MinP);
        Add(fields, "repetition_penalty", settings.RepetitionPenalty);
        Add(fields, "max_tokens", settings.MaxTokens);
        Add(fields, "min_tokens", settings.MinTokens);
        Add(fields, "seed", settings.Seed);
        Add(fields, "priority", settings.Priority);
        return fields;
    }

    private static void Add<T>(Dictionary<string, object> fields, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            fields[name] = v;
        }
    }

    private static long? AsLong(object? value) => value switch
    {
        int i => i,
        long l => l,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
        _ => null,
    };
}
