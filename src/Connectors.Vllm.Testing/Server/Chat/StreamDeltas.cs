namespace Connectors.Vllm.Testing.Server.Chat;

/// <summary>
/// Turns the generated steps of a <see cref="ChatRun"/> into SSE deltas, each with the completion-token count reached
/// when it is sent, chunked the way vLLM's hermes parser does (§7).
/// </summary>
internal sealed class StreamDeltas
{
    private readonly ChatRun _run;
    private readonly bool _reasoning;
    private readonly bool _reasoningContent;
    private readonly List<(JsonObject Delta, int Tokens)> _deltas = new();
    private int _tokens;
    private int _pendingNamed = -1;
    private int _pendingMerge = -1;

    private StreamDeltas(ChatRun run, (bool Reasoning, bool ReasoningContent) names)
    {
        _run = run;
        (_reasoning, _reasoningContent) = names;
    }

    /// <summary>Gets the deltas before the finish chunk and the finish chunk's own delta.</summary>
    public static (List<(JsonObject Delta, int Tokens)> Deltas, JsonObject FinishDelta) Build(ChatRun run, (bool Reasoning, bool ReasoningContent) names)
    {
        var builder = new StreamDeltas(run, names);
        foreach (var ev in run.Events)
        {
            builder.Add(ev);
        }

        builder.FlushPendingName();
        return (builder._deltas, builder.TakeFinishDelta());
    }

    private void Add(PlanEvent ev)
    {
        _tokens += ev.Cost;
        switch (ev.Kind)
        {
            case PlanEventKind.Reasoning when _run.ShowReasoning:
                var rd = new JsonObject();
                if (_reasoning)
                {
                    rd["reasoning"] = ev.Text;
                }

                if (_reasoningContent)
                {
                    rd["reasoning_content"] = ev.Text;
                }

                Emit(rd);
                break;
            case PlanEventKind.Content:
                Emit(new JsonObject { ["content"] = ev.Text });
                break;
            case PlanEventKind.ToolStart:
                AddToolStart(ev.CallIndex);
                break;
            case PlanEventKind.ToolArguments:
                AddToolArguments(ev.CallIndex, ev.Text);
                break;
        }
    }

    private void AddToolStart(int index)
    {
        if (_run.Named)
        {
            _pendingNamed = index;
        }
        else if (index > 0)
        {
            // Hermes sometimes sends the name and the first argument fragment as two entries with the
            // same index in one tool_calls array (§7.3); later calls do so here, so clients meet both shapes.
            _pendingMerge = index;
        }
        else
        {
            Emit(new JsonObject { ["content"] = null, ["tool_calls"] = new JsonArray(ToolHead(index)) });
        }
    }

    private void AddToolArguments(int index, string fragment)
    {
        if (_pendingMerge == index)
        {
            Emit(new JsonObject { ["content"] = null, ["tool_calls"] = new JsonArray(ToolHead(index), ToolArguments(index, fragment)) });
            _pendingMerge = -1;
        }
        else if (_pendingNamed == index)
        {
            var head = ToolHead(index);
            head["function"]!["arguments"] = fragment;
            Emit(new JsonObject { ["tool_calls"] = new JsonArray(head) });
            _pendingNamed = -1;
        }
        else
        {
            var argDelta = new JsonObject();
            if (!_run.Named)
            {
                argDelta["content"] = null;
            }

            argDelta["tool_calls"] = new JsonArray(ToolArguments(index, fragment));
            Emit(argDelta);
        }
    }

    /// <summary>Cut off by max_tokens right after the name: the name still went out.</summary>
    private void FlushPendingName()
    {
        if (_pendingMerge < 0 && _pendingNamed < 0)
        {
            return;
        }

        var head = new JsonObject();
        if (!_run.Named)
        {
            head["content"] = null;
        }

        head["tool_calls"] = new JsonArray(ToolHead(Math.Max(_pendingMerge, _pendingNamed)));
        Emit(head);
    }

    private JsonObject TakeFinishDelta()
    {
        if (_run.FinishReason == "length" && _deltas.Count > 0)
        {
            // The last generated token travels in the finish chunk.
            var last = _deltas[^1].Delta;
            _deltas.RemoveAt(_deltas.Count - 1);
            return last;
        }

        return _run.Calls.Count > 0 || _run.FinishReason == "length" ? new JsonObject() : new JsonObject { ["content"] = string.Empty };
    }

    private void Emit(JsonObject delta) => _deltas.Add((delta, _tokens));

    private JsonObject ToolHead(int index) => new()
    {
        ["id"] = _run.Calls[index].Id,
        ["type"] = "function",
        ["index"] = index,
        ["function"] = new JsonObject { ["name"] = _run.Calls[index].Name },
    };

    private static JsonObject ToolArguments(int index, string fragment) => new()
    {
        ["index"] = index,
        ["function"] = new JsonObject { ["arguments"] = fragment },
    };
}
