namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>
/// A server that does not parse the model's tool calls (<see cref="VllmTestServerOptions.LeakedToolCallFormat"/>): the
/// scripted calls become the markup the model wrote, as text in the content (or the reasoning), in the formats of vLLM's
/// <c>hermes</c>, <c>qwen3_coder</c>, <c>llama3_json</c> and <c>mistral</c> tool parsers.
/// </summary>
internal static class ToolCallLeak
{
    /// <summary>Replaces the tool-call steps of <paramref name="events"/> with the markup of <paramref name="calls"/>, and
    /// clears <paramref name="calls"/> (the server reports none).</summary>
    public static void Apply(List<PlanEvent> events, List<PlannedCall> calls, VllmTestServerOptions options, bool thinking, TestTokenizer tokenizer)
    {
        events.RemoveAll(e => e.Kind is PlanEventKind.ToolStart or PlanEventKind.ToolArguments or PlanEventKind.ToolEnd);
        var markup = Render(options.LeakedToolCallFormat, calls);
        calls.Clear();
        var inReasoning = options.LeakToolCallsIntoReasoning && thinking;
        var steps = tokenizer.Split(markup).Select(t => new PlanEvent(inReasoning ? PlanEventKind.Reasoning : PlanEventKind.Content, t, 1));
        var thinkEnd = events.FindIndex(e => e.Kind == PlanEventKind.ThinkEnd);
        if (inReasoning && thinkEnd >= 0)
        {
            events.InsertRange(thinkEnd, steps);
        }
        else
        {
            events.AddRange(steps);
        }
    }

    /// <summary>The markup of <paramref name="calls"/> as the model writes it for <paramref name="format"/>.</summary>
    public static string Render(VllmLeakedToolCallFormat format, IReadOnlyList<PlannedCall> calls)
    {
        var parts = calls.Select(c => format switch
        {
            VllmLeakedToolCallFormat.Qwen3Coder => "<tool_call>\n<function=" + c.Name + ">\n" + string.Concat(Parameters(c.Arguments)) + "</function>\n</tool_call>",
            VllmLeakedToolCallFormat.Llama3Json => "{\"name\": " + PyText.Dumps(JsonValue.Create(c.Name), ensureAscii: false) + ", \"parameters\": " + c.Arguments + "}",
            VllmLeakedToolCallFormat.Mistral => "[TOOL_CALLS]" + c.Name + c.Arguments,
            _ => "<tool_call>\n{\"name\": " + PyText.Dumps(JsonValue.Create(c.Name), ensureAscii: false) + ", \"arguments\": " + c.Arguments + "}\n</tool_call>",
        });
        return string.Join(format switch
        {
            VllmLeakedToolCallFormat.Llama3Json => "; ",
            VllmLeakedToolCallFormat.Mistral => string.Empty,
            _ => "\n",
        }, parts);
    }

    /// <summary>Qwen3-Coder writes each argument as <c>&lt;parameter=name&gt;\nvalue\n&lt;/parameter&gt;</c>: text as it is,
    /// anything else as JSON.</summary>
    private static IEnumerable<string> Parameters(string arguments)
    {
        if (JsonNode.Parse(arguments) is not JsonObject args)
        {
            yield break;
        }

        foreach (var (name, value) in args)
        {
            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : PyText.Dumps(value, ensureAscii: false);
            yield return "<parameter=" + name + ">\n" + text + "\n</parameter>\n";
        }
    }
}
