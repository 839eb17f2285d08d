namespace Connectors.Vllm.Testing.Server.Speech;

/// <summary>
/// One speech-to-text request checked the way vLLM checks it (§15.2–15.4, in that order) and its deterministic answer: a
/// fixed sentence naming the audio's duration, which is obviously a test double's, never a model's.
/// </summary>
internal sealed class SpeechRun(VllmTestModel model, FormBody form, bool translate, double duration, string text)
{
    /// <summary>VLLM_MAX_AUDIO_CLIP_FILESIZE_MB's default (MiB).</summary>
    private const int MaxFileMegabytes = 25;

    /// <summary>VLLM_MAX_AUDIO_DECODE_DURATION_S's default.</summary>
    private const double MaxDurationSeconds = 600;

    public VllmTestModel Model { get; } = model;

    public FormBody Form { get; } = form;

    public bool Translate { get; } = translate;

    public double DurationSeconds { get; } = duration;

    /// <summary>The transcript (Whisper's text starts with a space).</summary>
    public string Text { get; } = text;

    public bool Stream => Bool("stream");

    public string ResponseFormat => Form["response_format"] ?? "json";

    public bool Bool(string name) => IsTrue(Form[name]);

    /// <summary>Runs vLLM's checks and builds the answer.</summary>
    /// <param name="server">The server.</param>
    /// <param name="form">The form.</param>
    /// <param name="translate">Whether this is /v1/audio/translations.</param>
    public static SpeechRun Check(ServerState server, FormBody form, bool translate)
    {
        var api = translate ? "Translations" : "Transcriptions";

        // The routes exist only when the served model has the transcription task (§15.1): answered before anything is read.
        if (!server.Models.Any(m => m.IsTranscription))
        {
            throw server.RouteAbsent(api);
        }

        CheckFields(server, form, translate);
        if (!form.Files.ContainsKey("file"))
        {
            if (form["file"] is not null)
            {
                throw translate
                    ? VllmProblem.Validation("value_error", new[] { "body", "file" }, "Value error, Expected UploadFile, received: <class \\'str\\'>", PyText.Repr(JsonValue.Create(form["file"])))
                    : new VllmProblem(422, "Unprocessable Entity", "Expected 'file' to be a file-like object, not 'str'.", null);
            }

            throw VllmProblem.Missing(form.ToInput(), "body", "file");
        }

        var stream = IsTrue(form["stream"]);
        if (!stream)
        {
            foreach (var option in new[] { "stream_include_usage", "stream_continuous_usage_stats" })
            {
                if (form[option] is not null)
                {
                    // Checked on the raw form strings: even "false" trips it.
                    throw VllmProblem.Check("Stream options can only be defined when `stream=True`.", option);
                }
            }
        }

        if (stream && IsTrue(form["use_beam_search"]))
        {
            throw VllmProblem.Check("Streaming is not currently supported with beam search", null);
        }

        var model = server.ResolveModel(form["model"], m => m.IsTranscription, paramModel: true);
        var format = form["response_format"] ?? "json";
        var formats = translate ? new[] { "json", "text", "srt", "verbose_json", "vtt" } : new[] { "json", "text", "srt", "verbose_json", "vtt", "diarized_json" };
        if (!formats.Contains(format))
        {
            var expected = string.Join(", ", formats.Take(formats.Length - 1).Select(f => "'" + f + "'")) + " or '" + formats[^1] + "'";
            throw VllmProblem.Validation("literal_error", new[] { "body", "response_format" }, "Input should be " + expected, PyText.Repr(JsonValue.Create(format)));
        }

        if (format is "srt" or "vtt")
        {
            throw VllmProblem.Check("Currently only support response_format: `text`, `json`, `verbose_json` or `diarized_json`", null);
        }

        if (format == "diarized_json")
        {
            throw VllmProblem.Check($"Currently do not support diarized_json for {model.Id}", null);
        }

        if (format == "verbose_json" && stream)
        {
            throw VllmProblem.Check("verbose_json format doesn't support streaming case", null);
        }

        foreach (var name in new[] { "language", "to_language" })
        {
            if (form[name] is { Length: > 0 } language && !SpeechFields.Languages.Contains(language))
            {
                throw VllmProblem.Check($"Unsupported language: '{language}'.  Must be one of [{string.Join(", ", SpeechFields.Languages.Select(l => "'" + l + "'"))}].", null, appendParameter: false);
            }
        }

        var audio = form.Files["file"].Bytes;
        var megabytes = audio.Length / (1024.0 * 1024.0);
        if (megabytes > MaxFileMegabytes)
        {
            throw VllmProblem.Check("Maximum file size exceeded", "audio_filesize_mb", megabytes.ToString("0.0##", CultureInfo.InvariantCulture));
        }

        var duration = DurationOf(audio) ?? throw VllmProblem.Check("Invalid or unsupported audio file.", null);
        if (duration > MaxDurationSeconds)
        {
            throw VllmProblem.Check(
                $"Audio exceeds maximum allowed duration of 600s (file contains {duration.ToString("0.0", CultureInfo.InvariantCulture)}s at 16000Hz). Set VLLM_MAX_AUDIO_DECODE_DURATION_S to increase this limit.",
                null);
        }

        var seconds = duration.ToString("0.0", CultureInfo.InvariantCulture);
        var text = translate
            ? $" This is the test server's English translation of {seconds} seconds of audio."
            : $" This is the test server's transcript of {seconds} seconds of audio.";
        return new SpeechRun(model, form, translate, duration, text);
    }

    /// <summary>Strict mode: a field the route does not declare; then pydantic's checks of the typed fields.</summary>
    private static void CheckFields(ServerState server, FormBody form, bool translate)
    {
        foreach (var name in form.Fields.Select(f => f.Key).Concat(form.Files.Keys))
        {
            var declared = SpeechFields.Common.Contains(name) || (!translate && SpeechFields.TranscriptionOnly.Contains(name));
            if (!declared && server.Options.Strict)
            {
                throw server.StrictReject(name, $"Form field `{name}`");
            }
        }

        foreach (var (name, value) in form.Fields)
        {
            var loc = new[] { "body", name };
            if (SpeechFields.Floats.Contains(name) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw VllmProblem.Validation("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", PyText.Repr(JsonValue.Create(value)));
            }

            if (SpeechFields.Ints.Contains(name) && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw VllmProblem.Validation("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", PyText.Repr(JsonValue.Create(value)));
            }

            if (SpeechFields.Bools.Contains(name) && value.ToLowerInvariant() is not ("true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0" or "t" or "f" or "y" or "n"))
            {
                throw VllmProblem.Validation("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", PyText.Repr(JsonValue.Create(value)));
            }
        }
    }

    private static bool IsTrue(string? value) => value is not null && value.ToLowerInvariant() is "true" or "1" or "yes" or "on" or "t" or "y";

    /// <summary>The audio's duration: a WAV header's data size over its byte rate; for the other containers vLLM decodes
    /// (mp3, flac, ogg, webm, m4a) the test server assumes 16 kB per second. <see langword="null"/> for bytes that are no audio.</summary>
    private static double? DurationOf(byte[] audio)
    {
        var span = audio.AsSpan();
        if (span.Length >= 44 && span.StartsWith("RIFF"u8) && span[8..12].SequenceEqual("WAVE"u8))
        {
            var byteRate = BitConverter.ToInt32(audio, 28);
            var offset = 12;
            while (offset + 8 <= span.Length)
            {
                var size = BitConverter.ToInt32(audio, offset + 4);
                if (span.Slice(offset, 4).SequenceEqual("data"u8))
                {
                    var data = Math.Min(size, span.Length - offset - 8);
                    return byteRate > 0 ? data / (double)byteRate : null;
                }

                offset += 8 + Math.Max(size, 0);
            }

            return null;
        }

        var known = span.StartsWith("ID3"u8) || (span.Length > 1 && span[0] == 0xFF && (span[1] & 0xE0) == 0xE0) || span.StartsWith("fLaC"u8)
            || span.StartsWith("OggS"u8) || span.StartsWith(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }) || (span.Length > 8 && span[4..8].SequenceEqual("ftyp"u8));
        return known ? audio.Length / 16000.0 : null;
    }
}
