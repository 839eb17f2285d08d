namespace Connectors.Vllm.Testing.Server;

/// <summary>The emulated vLLM version, parsed leniently ("0.27.1", "0.27.2.dev3+gabc", "v0.11").</summary>
internal sealed class EmulatedVersion
{
    private readonly int _major;
    private readonly int _minor;
    private readonly int _patch;

    public EmulatedVersion(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        var parts = text.TrimStart('v', 'V').Split('.');
        _major = Part(parts, 0);
        _minor = Part(parts, 1);
        _patch = Part(parts, 2);
    }

    public string Text { get; }

    /// <summary>Nested error body <c>{"error":{…}}</c> since v0.10.1; flat before.</summary>
    public bool NestedErrors => AtLeast(0, 10, 1);

    /// <summary>16-hex random ids since v0.12.0; 32 before.</summary>
    public int IdHexLength => AtLeast(0, 12, 0) ? 16 : 32;

    public bool HasFingerprint => AtLeast(0, 21, 0);

    public bool SendsReasoning => AtLeast(0, 11, 1);

    public bool SendsReasoningContent => !AtLeast(0, 16, 0);

    public bool AcceptsStructuredOutputs => AtLeast(0, 11, 0);

    public bool AcceptsGuided => !AtLeast(0, 12, 0);

    public bool AcceptsLogitsProcessors => !AtLeast(0, 17, 0);

    public bool AcceptsReturnPromptText => Declares("return_prompt_text");

    /// <summary>
    /// The <c>reasoning_effort</c> literals the request model accepts, in vLLM's order; null before v0.10.1, which has no
    /// such field. v0.10.1 (PR #22342): low, medium, high; v0.18.0 (PR #36238): none added; v0.21.0 (PR #40982):
    /// minimal, xhigh, max added. Checked against vLLM's source: low/medium/high in v0.10.x- and v0.11-era protocol.py,
    /// all seven in today's chat_completion/protocol.py, and the two PRs adding the values. Not confirmed (we could not
    /// read vLLM's git history): the release each PR first shipped in (taken from docs/vllm-features.md) and the place of
    /// "none" in the v0.18 literal (assumed first, as today), which only changes the 400's message.
    /// </summary>
    public string[]? ReasoningEfforts =>
        AtLeast(0, 21, 0) ? new[] { "none", "minimal", "low", "medium", "high", "xhigh", "max" }
        : AtLeast(0, 18, 0) ? new[] { "none", "low", "medium", "high" }
        : Declares("reasoning_effort") ? new[] { "low", "medium", "high" }
        : null;

    /// <summary>Whether the chat request model declares <paramref name="field"/> (see <see cref="ChatFields.Since"/>).</summary>
    public bool Declares(string field) =>
        !ChatFields.Since.TryGetValue(field, out var since) || AtLeast(since.Major, since.Minor, since.Patch);

    /// <summary>tool_choice "required" since v0.8.3 (PR #13483); before, a 400.</summary>
    public bool AcceptsRequiredToolChoice => AtLeast(0, 8, 3);

    /// <summary>Named and "required" tool_choice need --tool-call-parser since v0.14.0.</summary>
    public bool RequiredToolChoiceNeedsParser => AtLeast(0, 14, 0);

    /// <summary>Empty tool_calls left out of messages (PR #44105, 2026-06-23; approximated as v0.24).</summary>
    public bool OmitsEmptyToolCalls => AtLeast(0, 24, 0);

    /// <summary>`normalize` rejected on pooling requests (PR #48984, 2026-07-19; approximated as v0.26).</summary>
    public bool RejectsNormalize => AtLeast(0, 26, 0);

    /// <summary>At most 4 stop strings (PR #51447, 2026-08-11; approximated as v0.27.1).</summary>
    public bool LimitsStopStrings => AtLeast(0, 27, 1);

    /// <summary>/v2 and /inference guarded by the API key (PR #42594, after v0.21).</summary>
    public bool GuardsV2 => AtLeast(0, 22, 0);

    /// <summary>/cohere guarded (PR #47189, 2026-07-31; approximated as v0.27).</summary>
    public bool GuardsCohere => AtLeast(0, 27, 0);

    /// <summary>bytes_only encoding since v0.13.0.</summary>
    public bool AcceptsBytesOnly => AtLeast(0, 13, 0);

    /// <summary>embed_dtype since v0.11.1.</summary>
    public bool AcceptsEmbedDtype => AtLeast(0, 11, 1);

    public bool AtLeast(int major, int minor, int patch)
    {
        if (_major != major)
        {
            return _major > major;
        }

        if (_minor != minor)
        {
            return _minor > minor;
        }

        return _patch >= patch;
    }

    private static int Part(string[] parts, int index)
    {
        if (index >= parts.Length)
        {
            return 0;
        }

        var s = parts[index];
        var end = 0;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return end == 0 ? 0 : int.Parse(s.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
