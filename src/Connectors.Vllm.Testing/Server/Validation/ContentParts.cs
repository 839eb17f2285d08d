namespace Connectors.Vllm.Testing.Server.Validation;

/// <summary>
/// vLLM's reading of <c>messages[].content</c> parts (<c>vllm/entrypoints/chat_utils.py</c>; wire reference §17): part types,
/// the shapes of <c>image_url</c>, <c>input_audio</c>, <c>audio_url</c> and <c>video_url</c>, their URLs, and which modalities
/// the model takes. Used by the chat and <c>/tokenize</c> routes, which parse messages the same way.
/// </summary>
internal static class ContentParts
{
    /// <summary>The part types vLLM names in its "Unsupported chat content part type" error, in its order.</summary>
    private static readonly string[] Listed =
    {
        "audio_embeds", "audio_url", "image_embeds", "image_pil", "image_url", "input_audio", "input_image", "input_text", "output_text",
        "prompt_embeds", "refusal", "text", "thinking", "tool_reference", "video_url",
    };

    /// <summary>The keys that name a part without a <c>type</c> (the type-less form <c>{"image_url":"…"}</c>).</summary>
    private static readonly string[] TypelessKeys = { "text", "image_url", "audio_url", "video_url", "input_audio", "image_embeds", "audio_embeds", "refusal", "thinking" };

    /// <summary>Checks every part's type and shape (before the model is looked up, as vLLM's request validation does).</summary>
    public static void CheckShapes(JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
        {
            return;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i]?["content"] is not JsonArray parts)
            {
                continue;
            }

            for (var j = 0; j < parts.Count; j++)
            {
                if (parts[j] is JsonObject part)
                {
                    CheckPart(part, i, j);
                }
            }
        }
    }

    /// <summary>The modality checks made while the messages are parsed (after the model is resolved): a text-only model takes no
    /// media part, and a model takes only its modalities (vLLM: <c>--limit-mm-per-prompt</c> 0 for the others).</summary>
    public static void CheckModalities(JsonObject body, VllmTestModel model)
    {
        if (body["messages"] is not JsonArray messages)
        {
            return;
        }

        foreach (var part in messages.Select(m => m?["content"]).OfType<JsonArray>().SelectMany(p => p.OfType<JsonObject>()))
        {
            if (ModalityOf(part) is not { } modality)
            {
                continue;
            }

            if (model.Modalities is { Count: 0 })
            {
                throw VllmProblem.Check($"{model.Parent ?? model.Id} is not a multimodal model", null);
            }

            if (model.Modalities is { } accepted && !accepted.Contains(modality, StringComparer.OrdinalIgnoreCase))
            {
                throw VllmProblem.Check($"At most 0 {modality}(s) may be provided in one prompt.", modality);
            }
        }
    }

    private static void CheckPart(JsonObject part, int message, int index)
    {
        var typeNode = part["type"];
        string type;
        if (typeNode is null)
        {
            type = TypelessKeys.FirstOrDefault(part.ContainsKey)
                ?? throw VllmProblem.Check("Missing 'type' field in multimodal part.", "type");
            if (type is "image_url" or "audio_url" or "video_url" && part[type] is JsonValue bare && bare.GetValueKind() == JsonValueKind.String)
            {
                CheckUrl(bare.GetValue<string>(), type);
                return;
            }
        }
        else if (typeNode is JsonValue tv && tv.GetValueKind() == JsonValueKind.String)
        {
            type = tv.GetValue<string>();
        }
        else
        {
            throw VllmProblem.Check("Invalid 'type' field in multimodal part.", "type");
        }

        var at = new[] { "body", "messages", message.ToString(CultureInfo.InvariantCulture), "content", index.ToString(CultureInfo.InvariantCulture) };
        switch (type)
        {
            case "image_url" or "audio_url" or "video_url":
                CheckUrlPart(part, type, at);
                break;
            case "input_audio":
                CheckInputAudio(part, at);
                break;
            case "text" or "input_text" or "output_text":
                if (part["text"] is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
                {
                    throw VllmProblem.Missing(part, [.. at, "text"]);
                }

                break;
            default:
                if (!ChatFields.ContentPartTypes.Contains(type))
                {
                    throw VllmProblem.Check($"Unsupported chat content part type: '{type}'. Supported types: {string.Join(", ", Listed)}.", "type", type);
                }

                break;
        }
    }

    /// <summary><c>{"type":"image_url","image_url":{"url":"…","detail"?}}</c> (and the audio and video forms): the object with a
    /// string <c>url</c> (OpenAI's part type, checked by pydantic), <c>detail</c> one of auto/low/high.</summary>
    private static void CheckUrlPart(JsonObject part, string type, string[] at)
    {
        if (part[type] is not JsonObject inner)
        {
            throw VllmProblem.Validation("dict_type", [.. at, type], "Input should be a valid dictionary", PyText.Repr(part[type]));
        }

        if (inner["url"] is not JsonValue url || url.GetValueKind() != JsonValueKind.String)
        {
            throw inner["url"] is null
                ? VllmProblem.Missing(inner, [.. at, type, "url"])
                : VllmProblem.Validation("string_type", [.. at, type, "url"], "Input should be a valid string", PyText.Repr(inner["url"]));
        }

        if (type == "image_url" && inner["detail"] is JsonValue detail && (detail.GetValueKind() != JsonValueKind.String || detail.GetValue<string>() is not ("auto" or "low" or "high")))
        {
            throw VllmProblem.Validation("literal_error", [.. at, type, "detail"], "Input should be 'auto', 'low' or 'high'", PyText.Repr(detail));
        }

        CheckUrl(url.GetValue<string>(), type);
    }

    /// <summary><c>{"type":"input_audio","input_audio":{"data":"&lt;base64&gt;","format":"wav"|"mp3"}}</c> (OpenAI's InputAudio).</summary>
    private static void CheckInputAudio(JsonObject part, string[] at)
    {
        if (part["input_audio"] is not JsonObject audio)
        {
            throw VllmProblem.Validation("dict_type", [.. at, "input_audio"], "Input should be a valid dictionary", PyText.Repr(part["input_audio"]));
        }

        if (audio["data"] is not JsonValue data || data.GetValueKind() != JsonValueKind.String)
        {
            throw VllmProblem.Missing(audio, [.. at, "input_audio", "data"]);
        }

        if (audio["format"] is not JsonValue format || format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() is not ("wav" or "mp3"))
        {
            throw VllmProblem.Validation("literal_error", [.. at, "input_audio", "format"], "Input should be 'wav' or 'mp3'", PyText.Repr(audio["format"]));
        }

        CheckBase64(data.GetValue<string>(), "input_audio");
    }

    /// <summary><c>MediaConnector.load_from_url</c>: data (base64 only), http(s), file (needs --allowed-local-media-path).</summary>
    private static void CheckUrl(string url, string param)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0)
            {
                throw VllmProblem.Check($"Invalid data URL '{url[..Math.Min(32, url.Length)]}': missing ',' separator.", null);
            }

            if (!url[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new VllmProblem(501, "NotImplementedError", "Only base64 data URLs are supported for now.", null);
            }

            CheckBase64(url[(comma + 1)..], param);
            return;
        }

        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return; // the test server fetches nothing
        }

        if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new VllmProblem(500, "InternalServerError", "Cannot load local files without `--allowed-local-media-path`.", null);
        }

        throw VllmProblem.Check("The URL must be either a HTTP, data or file URL.", null);
    }

    /// <summary>Media bytes that are not base64 cannot be decoded (vLLM: the media loader's 400).</summary>
    private static void CheckBase64(string text, string param)
    {
        var buffer = new byte[(text.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out _))
        {
            var what = param.StartsWith("image", StringComparison.Ordinal) ? "Failed to load image: cannot identify image file <_io.BytesIO object>"
                : param.Contains("audio", StringComparison.Ordinal) ? "Invalid or unsupported audio file."
                : "Failed to load video: invalid base64 data.";
            throw VllmProblem.Check(what, null);
        }
    }

    /// <summary>The modality vLLM counts a part under, or <see langword="null"/> for a non-media part.</summary>
    private static string? ModalityOf(JsonObject part)
    {
        var type = part["type"] is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : TypelessKeys.FirstOrDefault(part.ContainsKey);
        return type switch
        {
            "image_url" or "input_image" or "image_embeds" => "image",
            "input_audio" or "audio_url" or "audio_embeds" => "audio",
            "video_url" => "video",
            _ => null,
        };
    }
}
