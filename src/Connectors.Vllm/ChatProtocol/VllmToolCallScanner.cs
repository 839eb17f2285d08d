using System.Text;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>
/// Finds tool-call markup in one text channel of an answer, fed delta by delta (a whole answer is one delta): returns the
/// text that can be passed on now, and holds back only what may still be markup — the end of a delta that could begin a
/// marker (<c>&lt;tool_c</c>), an open <c>&lt;tool_call&gt;</c> / <c>&lt;function=</c> region until it closes, everything
/// after <c>[TOOL_CALLS]</c>, and an answer that starts with <c>{</c> or <c>&lt;|python_tag|&gt;</c> while it can still be a
/// Llama call. A closed region that is not a valid call is passed on unchanged.
/// </summary>
/// <remarks>One instance per channel per answer; not thread-safe.</remarks>
internal sealed class VllmToolCallScanner
{
    private readonly VllmToolCallTools _tools;
    private string? _held;
    private Region _region;
    private string _closer = string.Empty;
    private bool _started;
    private bool _releasedText;
    private List<VllmRecoveredCall>? _calls;
    private StringBuilder? _callMarkup;

    public VllmToolCallScanner(VllmToolCallTools tools) => _tools = tools;

    private enum Region
    {
        None,
        Tagged,
        Mistral,
        Llama,
    }

    /// <summary>Gets the family of the first markup found, or <see langword="null"/> when none was.</summary>
    public VllmToolCallFamily? Family { get; private set; }

    /// <summary>Gets the valid calls read so far.</summary>
    public IReadOnlyList<VllmRecoveredCall> Calls => _calls ?? (IReadOnlyList<VllmRecoveredCall>)[];

    /// <summary>Gets whether text other than white space was passed on.</summary>
    public bool ReleasedText => _releasedText;

    /// <summary>Reads one delta.</summary>
    /// <returns>The text to pass on now (markup left out), or <see langword="null"/> when all of it is held.</returns>
    public string? Feed(string text)
    {
        if (_region == Region.None && _held is null && _started && text.AsSpan().IndexOfAny('<', '[') < 0)
        {
            _releasedText = true;
            return text;
        }

        var s = _held is null ? text : _held + text;
        _held = null;
        StringBuilder? output = null;
        var pos = 0;
        while (pos < s.Length)
        {
            if (_region == Region.None)
            {
                if (!_started)
                {
                    var first = pos;
                    while (first < s.Length && char.IsWhiteSpace(s[first]))
                    {
                        first++;
                    }

                    if (first == s.Length)
                    {
                        _held = s[pos..]; // only white space so far: what follows decides where it belongs
                        break;
                    }

                    _started = true;
                    if ((s[first] == '{' || s[first] == '<') && VllmToolCallMarkup.MayBeLlamaCall(s, first))
                    {
                        _region = Region.Llama;
                        continue;
                    }
                }

                var at = VllmToolCallMarkup.FindOpener(s, pos, out var family, out var closer);
                if (at >= 0)
                {
                    // White space right before markup belongs to it while nothing else was passed on.
                    var start = !_releasedText && string.IsNullOrWhiteSpace(s[pos..at]) ? pos : at;
                    Release(ref output, s, pos, start);
                    if (closer.Length == 0)
                    {
                        Family ??= family; // a tagged region's family is known once it is read (Qwen3-Coder also opens with <tool_call>)
                    }

                    _region = closer.Length > 0 ? Region.Tagged : Region.Mistral;
                    _closer = closer;
                    pos = start;
                    continue;
                }

                var keep = VllmToolCallMarkup.PartialOpenerLength(s, pos);
                if (keep > 0 && !_releasedText && s.AsSpan(pos, s.Length - keep - pos).IsWhiteSpace())
                {
                    _held = s[pos..]; // white space, then maybe markup: both wait
                    break;
                }

                Release(ref output, s, pos, s.Length - keep);
                _held = keep > 0 ? s[^keep..] : null;
                break;
            }

            if (_region == Region.Tagged)
            {
                var end = s.IndexOf(_closer, pos + 1, StringComparison.Ordinal);
                if (end < 0)
                {
                    _held = s[pos..];
                    break;
                }

                var region = s[pos..(end + _closer.Length)];
                _region = Region.None;
                pos = end + _closer.Length;
                if (!TryTagged(region))
                {
                    Release(ref output, region, 0, region.Length);
                }

                continue;
            }

            if (_region == Region.Llama && !VllmToolCallMarkup.MayBeLlamaCall(s, pos))
            {
                _region = Region.None; // not a call after all: scan it as text
                continue;
            }

            _held = s[pos..]; // Mistral and Llama markup runs to the end of the answer
            break;
        }

        return output?.ToString();
    }

    /// <summary>Ends the channel: reads what is still held.</summary>
    /// <returns>Held text that turned out not to be markup, to pass on after everything else; or <see langword="null"/>.</returns>
    public string? Complete()
    {
        var held = _held;
        var region = _region;
        _held = null;
        _region = Region.None;
        if (held is null)
        {
            return null;
        }

        switch (region)
        {
            case Region.Tagged when TryTagged(held): // vLLM's parsers accept a region the answer ended inside
                return null;
            case Region.Mistral when VllmToolCallMarkup.ReadMistral(held, _tools) is { } calls:
                Add(calls, held);
                return null;
            case Region.Llama when VllmToolCallMarkup.ReadLlama(held, _tools) is { } calls:
                Family ??= VllmToolCallFamily.Llama3Json;
                Add(calls, held);
                return null;
            default:
                return held;
        }
    }

    /// <summary>The markup of the valid calls, in order: passed on when the calls are not used after all.</summary>
    public string? TakeCallMarkup()
    {
        var text = _callMarkup?.ToString();
        _callMarkup = null;
        return text;
    }

    private bool TryTagged(string region)
    {
        var family = VllmToolCallMarkup.ReadTagged(region, _tools, out var call);
        Family ??= family;
        if (call is null)
        {
            return false;
        }

        Add([call], region);
        return true;
    }

    private void Add(List<VllmRecoveredCall> calls, string markup)
    {
        (_calls ??= []).AddRange(calls);
        (_callMarkup ??= new StringBuilder()).Append(markup);
    }

    private void Release(ref StringBuilder? output, string text, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        _releasedText |= !text.AsSpan(start, end - start).IsWhiteSpace();
        (output ??= new StringBuilder()).Append(text, start, end - start);
    }
}
