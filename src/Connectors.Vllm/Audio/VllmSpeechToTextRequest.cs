// Microsoft.Extensions.AI marks its speech-to-text abstractions experimental (MEAI001); this file implements them.
#pragma warning disable MEAI001
using System.Collections;
using System.Text;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Wire;
using OpenAI.Audio;

namespace Connectors.Vllm.Audio;

/// <summary>
/// One speech-to-text request: which route (transcription or translation), the form fields under vLLM's wire names, and
/// the reading of a whole answer. Pure mapping: no I/O.
/// </summary>
internal sealed class VllmSpeechToTextRequest
{
    /// <summary>The keys this library writes itself; in <c>AdditionalProperties</c> they would be sent twice.</summary>
    private static readonly Dictionary<string, string> OwnKeys = new(StringComparer.Ordinal)
    {
        ["file"] = "the audio is the stream argument",
        ["model"] = "set SpeechToTextOptions.ModelId",
        ["language"] = "set SpeechToTextOptions.SpeechLanguage",
        ["stream"] = "call GetStreamingTextAsync to stream",
    };

    /// <summary>Sent only with <c>stream=true</c>: vLLM refuses them otherwise, whatever their value.</summary>
    private static readonly HashSet<string> StreamOnlyKeys = new(StringComparer.Ordinal) { "stream_include_usage", "stream_continuous_usage_stats" };

    private readonly List<KeyValuePair<string, string>> _fields;

    private VllmSpeechToTextRequest(string? model, bool stream, bool translate, List<KeyValuePair<string, string>> fields)
    {
        Model = model;
        Stream = stream;
        Translate = translate;
        _fields = fields;
    }

    /// <summary>Gets the model sent, or <see langword="null"/> for the server's first served model.</summary>
    public string? Model { get; }

    /// <summary>Gets whether the answer is streamed.</summary>
    public bool Stream { get; }

    /// <summary>Gets whether the translations route is used.</summary>
    public bool Translate { get; }

    /// <summary>Gets the form fields, in order (the file part comes after them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>Maps the options to the request.</summary>
    /// <param name="options">The caller's options, or <see langword="null"/>.</param>
    /// <param name="model">The model to send, or <see langword="null"/>.</param>
    /// <param name="stream">Whether to stream.</param>
    /// <exception cref="NotSupportedException">A translation into a language other than English.</exception>
    /// <param name="client">The client, passed to <see cref="SpeechToTextOptions.RawRepresentationFactory"/>.</param>
    /// <exception cref="ArgumentException">An <c>AdditionalProperties</c> entry this library writes itself, a value that
    /// cannot be a form field, or raw options of the other route's type.</exception>
    public static VllmSpeechToTextRequest Create(SpeechToTextOptions? options, string? model, bool stream, ISpeechToTextClient client)
    {
        var spoken = Iso639(options?.SpeechLanguage);
        var target = Iso639(options?.TextLanguage);
        var translate = target is not null && !string.Equals(target, spoken, StringComparison.Ordinal);
        if (translate && target != "en")
        {
            throw new NotSupportedException($"SpeechToTextOptions.TextLanguage is \"{options!.TextLanguage}\", but vLLM's /v1/audio/translations route translates speech into English only (Whisper). Set TextLanguage to \"en\" to translate, or leave it unset (or equal to SpeechLanguage) to transcribe in the spoken language.");
        }

        var raw = RawFields(options, client, translate);
        var fields = new List<KeyValuePair<string, string>>(8);
        if (!string.IsNullOrEmpty(model))
        {
            fields.Add(new("model", model));
        }

        if (spoken is not null && !Sets(raw, "language"))
        {
            fields.Add(new("language", spoken));
        }

        if (stream)
        {
            fields.Add(new("stream", "true"));
        }

        var userSetUsage = false;
        if (options?.AdditionalProperties is { } extras)
        {
            foreach (var (key, value) in extras)
            {
                if (OwnKeys.TryGetValue(key, out var instead))
                {
                    throw new ArgumentException($"SpeechToTextOptions.AdditionalProperties[\"{key}\"] is written by the client itself: {instead}.", nameof(options));
                }

                // Not sent: nulls, stream-only fields on a whole answer, the OpenAI-only fields on the one never-sent list, and
                // fields the raw options set (they win).
                if (value is null || (!stream && StreamOnlyKeys.Contains(key)) || VllmRequestBodyRewriter.IsNeverSent(key)
                    || Sets(raw, key))
                {
                    continue;
                }

                userSetUsage |= key == "stream_include_usage";
                AddField(fields, key, value);
            }
        }

        if (raw is not null)
        {
            fields.AddRange(raw);
        }

        if (stream && !userSetUsage)
        {
            fields.Add(new("stream_include_usage", "true"));
        }

        return new VllmSpeechToTextRequest(string.IsNullOrEmpty(model) ? null : model, stream, translate, fields);
    }

    /// <summary>The form fields of the OpenAI SDK options the caller's <see cref="SpeechToTextOptions.RawRepresentationFactory"/>
    /// returns, as Microsoft.Extensions.AI's OpenAI client honours them (<c>AudioTranscriptionOptions</c> for a transcription,
    /// <c>AudioTranslationOptions</c> for a translation: language, prompt, response format, temperature, timestamp
    /// granularities); <see langword="null"/> when there are none.</summary>
    private static List<KeyValuePair<string, string>>? RawFields(SpeechToTextOptions? options, ISpeechToTextClient client, bool translate)
    {
        var raw = options?.RawRepresentationFactory?.Invoke(client);
        var fields = new List<KeyValuePair<string, string>>(4);
        switch (raw)
        {
            case null:
                return null;
            case AudioTranscriptionOptions transcription when !translate:
                AddRaw(fields, "language", transcription.Language);
                AddRaw(fields, "prompt", transcription.Prompt);
                AddRaw(fields, "response_format", transcription.ResponseFormat?.ToString());
                AddRaw(fields, "temperature", transcription.Temperature?.ToString("R", CultureInfo.InvariantCulture));
                if (transcription.TimestampGranularities.HasFlag(AudioTimestampGranularities.Word))
                {
                    fields.Add(new("timestamp_granularities[]", "word"));
                }

                if (transcription.TimestampGranularities.HasFlag(AudioTimestampGranularities.Segment))
                {
                    fields.Add(new("timestamp_granularities[]", "segment"));
                }

                return fields;
            case AudioTranslationOptions translation when translate:
                AddRaw(fields, "prompt", translation.Prompt);
                AddRaw(fields, "response_format", translation.ResponseFormat?.ToString());
                AddRaw(fields, "temperature", translation.Temperature?.ToString("R", CultureInfo.InvariantCulture));
                return fields;
            case AudioTranscriptionOptions or AudioTranslationOptions:
                throw new ArgumentException(
                    $"SpeechToTextOptions.RawRepresentationFactory returned {raw.GetType().Name}, but the request is a {(translate ? "translation (TextLanguage \"en\" differs from SpeechLanguage): return AudioTranslationOptions" : "transcription: return AudioTranscriptionOptions, or set TextLanguage to \"en\" to translate")}.",
                    nameof(options));
            default:
                return null;
        }

        static void AddRaw(List<KeyValuePair<string, string>> fields, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.Add(new(name, value));
            }
        }
    }

    /// <summary>Whether the raw options' fields include <paramref name="name"/> (a loop, not a capturing lambda: no allocation
    /// per extra when there are no raw options).</summary>
    private static bool Sets(List<KeyValuePair<string, string>>? raw, string name)
    {
        if (raw is not null)
        {
            foreach (var (key, _) in raw)
            {
                if (key == name)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The multipart body with <paramref name="audio"/> as its file part.</summary>
    public VllmMultipartContent ToContent(ReadOnlyMemory<byte> audio)
        => new(_fields, "file", "audio", "application/octet-stream", audio);

    /// <summary>Reads a whole answer: <c>{"text":…,"usage":{"type":"duration","seconds":N}}</c>, a verbose one (language,
    /// duration, segments kept in <see cref="SpeechToTextResponse.AdditionalProperties"/>), or a plain-text body.</summary>
    /// <exception cref="VllmException">The body is JSON without a <c>text</c>.</exception>
    public static SpeechToTextResponse ReadResponse(ReadOnlyMemory<byte> body, string? model)
    {
        var trimmed = body.Span.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            // response_format=text on a server that answers plain text (vLLM itself answers JSON).
            return new SpeechToTextResponse(Encoding.UTF8.GetString(body.Span)) { ModelId = model };
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new VllmException(null, "The server's answer is not valid JSON.", "Check that BaseUrl points at vLLM's OpenAI-compatible /v1 endpoint and not at a proxy's error page.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new VllmException(null, "The server's answer has no transcript (no \"text\" field).", "Check that BaseUrl points at vLLM's OpenAI-compatible /v1 endpoint.");
            }

            var response = new SpeechToTextResponse(text.GetString()) { ModelId = model, RawRepresentation = root.Clone() };
            AdditionalPropertiesDictionary? extras = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "text":
                        break;
                    case "usage" when property.Value.ValueKind == JsonValueKind.Object:
                        response.Usage = ReadUsage(property.Value);
                        break;
                    case "duration" when property.Value.ValueKind == JsonValueKind.Number:
                        response.StartTime = TimeSpan.Zero;
                        response.EndTime = TimeSpan.FromSeconds(property.Value.GetDouble());
                        (extras ??= [])["duration"] = property.Value.GetDouble();
                        break;
                    default:
                        if (property.Value.ValueKind != JsonValueKind.Null)
                        {
                            (extras ??= [])[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.Clone();
                        }

                        break;
                }
            }

            response.AdditionalProperties = extras;
            return response;
        }
    }

    /// <summary>vLLM's whole-answer usage is the audio's duration (<c>{"type":"duration","seconds":N}</c>); token usage
    /// (streams, other servers) is read too.</summary>
    private static UsageDetails ReadUsage(JsonElement usage)
    {
        var details = new UsageDetails();
        foreach (var property in usage.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var n))
            {
                continue;
            }

            switch (property.Name)
            {
                case "seconds":
                    (details.AdditionalCounts ??= [])["audio_seconds"] = n;
                    break;
                case "prompt_tokens" or "input_tokens":
                    details.InputTokenCount = n;
                    break;
                case "completion_tokens" or "output_tokens":
                    details.OutputTokenCount = n;
                    break;
                case "total_tokens":
                    details.TotalTokenCount = n;
                    break;
            }
        }

        return details;
    }

    /// <summary>ISO 639-1 as vLLM takes it: <c>"en-US"</c> → <c>"en"</c>; <see langword="null"/> for none.</summary>
    private static string? Iso639(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return null;
        }

        var dash = language.AsSpan().IndexOfAny('-', '_');
        return (dash > 0 ? language[..dash] : language).Trim().ToLowerInvariant();
    }

    /// <summary>One value as form text: strings as they are, booleans as <c>true</c>/<c>false</c>, numbers invariant, a list
    /// of strings as one field per item (<c>timestamp_granularities[]</c>), anything else as JSON (<c>vllm_xargs</c>).</summary>
    private static void AddField(List<KeyValuePair<string, string>> fields, string key, object value)
    {
        switch (value)
        {
            case string s:
                fields.Add(new(key, s));
                break;
            case bool b:
                fields.Add(new(key, b ? "true" : "false"));
                break;
            case IFormattable number when value is int or long or short or byte or uint or ulong or ushort or sbyte or float or double or decimal:
                fields.Add(new(key, number.ToString(value is float or double ? "R" : null, CultureInfo.InvariantCulture)));
                break;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                fields.Add(new(key, element.GetString()!));
                break;
            case JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number } element:
                fields.Add(new(key, element.GetRawText()));
                break;
            case IEnumerable<string> items:
                foreach (var item in items)
                {
                    fields.Add(new(key, item));
                }

                break;
            case IDictionary or JsonElement or System.Text.Json.Nodes.JsonNode:
                fields.Add(new(key, Json(value)));
                break;
            default:
                throw new ArgumentException($"SpeechToTextOptions.AdditionalProperties[\"{key}\"] holds a {value.GetType().Name}, which cannot be sent as a form field: use a string, a boolean, a number, a list of strings or a dictionary (sent as JSON).", nameof(value));
        }
    }

    private static string Json(object value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            VllmRequestJson.Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
