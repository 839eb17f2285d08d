namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>The scripted "model": decides what a chat request gets (reasoning, tool calls or text) within max_tokens.</summary>
internal sealed class ChatPlanner
{
    /// <summary>Prefix of every scripted answer, so nobody mistakes the output for a model's.</summary>
    public const string AnswerPrefix = "[test-model] ";

    private const string ReasoningText = "[test-model] reasoning: this is a scripted test server, not a model.";

    private readonly ServerState _server;

    public ChatPlanner(ServerState server) => _server = server;

    /// <summary>What the tool_choice field asks for: "none", "auto", "required" or "named:&lt;tool&gt;".</summary>
    public static string ToolChoiceOf(JsonObject body, JsonArray? tools) => body["tool_choice"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when (string?)(o["function"]?["name"] as JsonValue) is { } name => "named:" + name,
        _ => tools is null ? "none" : "auto",
    };

    public ChatRun Plan(VllmTestModel model, JsonObject body, JsonArray messages, JsonArray? tools, string toolChoice, int budget)
    {
        var events = new List<PlanEvent>();
        var calls = new List<PlannedCall>();
        var named = toolChoice.StartsWith("named:", StringComparison.Ordinal);
        var thinking = model.IsReasoning
            && !(body["chat_template_kwargs"]?["enable_thinking"] is JsonValue et && et.GetValueKind() == JsonValueKind.False)
            && !(_server.Version.Declares("reasoning_effort") && RequestJson.String(body, "reasoning_effort") == "none");
        if (thinking)
        {
            events.AddRange(_server.Tokenizer.Split(ReasoningText).Select(t => new PlanEvent(PlanEventKind.Reasoning, t, 1)));
            events.Add(new PlanEvent(PlanEventKind.ThinkEnd, "</think>", 1));
        }

        var last = messages.Count > 0 ? messages[^1] as JsonObject : null;
        var lastRole = (string?)(last?["role"] as JsonValue);
        var userText = messages.OfType<JsonObject>().LastOrDefault(m => (string?)(m["role"] as JsonValue) == "user") is { } um ? PromptTemplate.MessageText(um["content"]) : string.Empty;
        if (tools is not null && toolChoice != "none")
        {
            var chosen = ChooseTools(body, tools, toolChoice, lastRole, userText);
            AddToolCalls(events, calls, chosen, named, userText);
        }

        // A server without the model's tool parser: the calls stay text (only "auto" is parsed from text at all).
        var leaked = calls.Count > 0 && toolChoice == "auto" && _server.Options.LeakedToolCallFormat != VllmLeakedToolCallFormat.None;
        if (leaked)
        {
            ToolCallLeak.Apply(events, calls, _server.Options, thinking, _server.Tokenizer);
        }

        string? stopReason = null;
        if (calls.Count == 0 && !leaked)
        {
            var text = lastRole == "tool"
                ? AnswerPrefix + "tool result: " + PromptTemplate.MessageText(last!["content"])
                : StructuredAnswer.For(body, _server.Version) ?? AnswerPrefix + "echo: " + (userText.Length > 0 ? userText : "(no user message)");
            (text, stopReason) = ApplyStop(body, text);
            events.AddRange(_server.Tokenizer.Split(text).Select(t => new PlanEvent(PlanEventKind.Content, t, 1)));
        }

        var (emitted, used, truncated) = Fit(events, budget);
        var finish = truncated ? "length" : calls.Count > 0 && !named ? "tool_calls" : "stop";
        return new ChatRun(emitted, calls, finish, truncated ? null : stopReason, used, named, thinking, _server.Version.Declares("include_reasoning") && RequestJson.Bool(body, "include_reasoning") == false);
    }

    private static List<JsonObject> ChooseTools(JsonObject body, JsonArray tools, string toolChoice, string? lastRole, string userText)
    {
        var toolObjects = tools.OfType<JsonObject>().ToList();
        if (toolChoice.StartsWith("named:", StringComparison.Ordinal))
        {
            return new List<JsonObject> { toolObjects.First(t => (string?)(t["function"]?["name"] as JsonValue) == toolChoice[6..]) };
        }

        if (lastRole == "tool" && toolChoice != "required")
        {
            return new List<JsonObject>();
        }

        var chosen = toolObjects
            .Select(t => (Tool: t, Pos: ToolMention.Position(userText, (string?)(t["function"]?["name"] as JsonValue) ?? string.Empty)))
            .Where(x => x.Pos >= 0)
            .OrderBy(x => x.Pos)
            .Select(x => x.Tool)
            .ToList();
        if (chosen.Count == 0 && toolChoice == "required" && toolObjects.Count > 0)
        {
            chosen.Add(toolObjects[0]);
        }

        if (RequestJson.Bool(body, "parallel_tool_calls") == false && chosen.Count > 1)
        {
            chosen.RemoveRange(1, chosen.Count - 1);
        }

        return chosen;
    }

    private void AddToolCalls(List<PlanEvent> events, List<PlannedCall> calls, List<JsonObject> chosen, bool named, string userText)
    {
        var tokenizer = _server.Tokenizer;
        for (var i = 0; i < chosen.Count; i++)
        {
            var fn = chosen[i]["function"]!;
            var name = (string)fn["name"]!;
            var args = PyText.Dumps(JsonSchemaSample.Create(fn["parameters"], userText), ensureAscii: false);
            calls.Add(new PlannedCall(MistralMode.IsOn(_server.Options) ? MistralMode.NewToolCallId() : "chatcmpl-tool-" + _server.NewId(), name, args));
            var startCost = named ? 0 : tokenizer.Count($"<tool_call>\n{{\"name\": \"{name}\", \"arguments\": ");
            events.Add(new PlanEvent(PlanEventKind.ToolStart, name, startCost, i));
            var index = i;
            events.AddRange(tokenizer.Split(args).Select(t => new PlanEvent(PlanEventKind.ToolArguments, t, 1, index)));
            events.Add(new PlanEvent(PlanEventKind.ToolEnd, string.Empty, named ? 0 : tokenizer.Count("}\n</tool_call>"), i));
        }
    }

    /// <summary>Keeps the steps that fit in the token budget; EOS (or the stop string's token) costs one more.</summary>
    private static (List<PlanEvent> Emitted, int Used, bool Truncated) Fit(List<PlanEvent> events, int budget)
    {
        var used = 0;
        var emitted = new List<PlanEvent>();
        foreach (var ev in events)
        {
            if (used + ev.Cost > budget)
            {
                return (emitted, used, true);
            }

            used += ev.Cost;
            emitted.Add(ev);
        }

        return used + 1 > budget ? (emitted, used, true) : (emitted, used + 1, false);
    }

    private static (string Text, string? StopReason) ApplyStop(JsonObject body, string text)
    {
        var stops = body["stop"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => new[] { v.GetValue<string>() },
            JsonArray a => a.Select(s => (string?)(s as JsonValue)).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray(),
            _ => Array.Empty<string>(),
        };
        var best = -1;
        string? hit = null;
        foreach (var s in stops)
        {
            var i = text.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best))
            {
                best = i;
                hit = s;
            }
        }

        if (hit is null)
        {
            return (text, null);
        }

        var keep = RequestJson.Bool(body, "include_stop_str_in_output") == true;
        return (text[..(best + (keep ? hit.Length : 0))], hit);
    }
}
