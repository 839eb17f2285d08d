using System.Buffers;
using System.Buffers.Text;
using System.Linq;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Connectors.Vllm.ChatProtocol;

/// <summary>The modality of a media content, as vLLM counts it (<c>--limit-mm-per-prompt</c>) and as a model entry's
/// <see cref="VllmModelDefinition.Input"/> names it.</summary>
internal enum VllmMediaKind
{
    /// <summary>Not media (text, reasoning, tool calls…).</summary>
    None,

    /// <summary><c>image/*</c>: an <c>image_url</c> part.</summary>
    Image,

    /// <summary><c>audio/*</c>: an <c>input_audio</c> (inline wav, mp3) or <c>audio_url</c> part.</summary>
    Audio,

    /// <summary><c>video/*</c>: a <c>video_url</c> part.</summary>
    Video,
}

/// <summary>
/// Media in chat messages (<see cref="DataContent"/>, <see cref="UriContent"/>): what vLLM takes, the checks made before a
/// request is written (media types, the model's declared <see cref="VllmModelDefinition.Input"/>, the inline size cap),
/// and the content parts in vLLM's shapes (wire reference §17): <c>image_url</c>, <c>input_audio</c> (wav and mp3
/// only), <c>audio_url</c>, <c>video_url</c>.
/// </summary>
/// <remarks>
/// MEAI's OpenAI mapping sends audio only as <c>audio/wav</c> or <c>audio/mpeg</c>, drops video and audio URLs, and turns
/// a PDF into an OpenAI <c>file</c> part that vLLM answers with 400; so a system, user or developer message carrying media
/// is written here, part by part, with the bytes base64-encoded straight into the body.
/// </remarks>
internal static class VllmChatMedia
{
    /// <summary>The modality of <paramref name="content"/>, or <see cref="VllmMediaKind.None"/> when it is not media.</summary>
    /// <exception cref="NotSupportedException">Media vLLM cannot take (a PDF, any other document, a hosted file).</exception>
    public static VllmMediaKind KindOf(AIContent content) => content switch
    {
        DataContent data => KindOf(data.MediaType) ?? throw Unsupported(data.MediaType, "DataContent"),
        UriContent uri => KindOf(uri.MediaType) ?? throw Unsupported(uri.MediaType, "UriContent"),
        HostedFileContent file => throw new NotSupportedException(
            $"The chat request has a HostedFileContent ('{file.FileId}'), which vLLM cannot take: vLLM has no Files API, and its chat API answers an OpenAI 'file' part with 400. Nothing was sent. Send the file's bytes as a DataContent (image/*, audio/* or video/*), or its text as a TextContent."),
        _ => VllmMediaKind.None,
    };

    /// <summary>Checks every message's media before anything is written: only media types vLLM takes, only modalities
    /// the model entry declares (an undeclared <see cref="VllmModelDefinition.Input"/> allows all), and at most
    /// <paramref name="endpoint"/>'s <see cref="VllmProviderOptions.MaxInlineMediaBytes"/> of inline bytes in all.</summary>
    /// <returns>The inline media bytes (before base64) the body will carry; 0 when there are none.</returns>
    /// <exception cref="NotSupportedException">Media vLLM cannot take, or a modality the model entry does not declare.</exception>
    /// <exception cref="ArgumentException">More inline media than MaxInlineMediaBytes.</exception>
    public static long Check(IEnumerable<MeaiChatMessage> messages, VllmModelDefinition? model, VllmEndpoint endpoint)
    {
        var maxInlineBytes = endpoint.Options.MaxInlineMediaBytes;
        long inline = 0;
        if (messages is IList<MeaiChatMessage> list)
        {
            // Indexed: no enumerator allocated on every request.
            for (var m = 0; m < list.Count; m++)
            {
                inline += Check(list[m], model);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                inline += Check(message, model);
            }
        }

        if (inline > maxInlineBytes)
        {
            throw new ArgumentException(
                $"The chat request carries {inline.ToString(CultureInfo.InvariantCulture)} bytes of inline media (DataContent), more than MaxInlineMediaBytes ({maxInlineBytes.ToString(CultureInfo.InvariantCulture)} bytes); nothing was sent. Send large media as a URL the server fetches (UriContent), make it smaller, or raise {endpoint.Setting("MaxInlineMediaBytes")}.",
                nameof(messages));
        }

        return inline;
    }

    /// <summary>One message's part of <see cref="Check(IEnumerable{MeaiChatMessage}, VllmModelDefinition?, VllmEndpoint)"/>.</summary>
    private static long Check(MeaiChatMessage message, VllmModelDefinition? model)
    {
        long inline = 0;
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            var kind = KindOf(contents[i]);
            if (kind == VllmMediaKind.None)
            {
                continue;
            }

            if (model?.Input is { } inputs && !Declares(inputs, kind))
            {
                var name = Name(kind);
                throw new NotSupportedException(
                    $"The model '{model.Id}' is configured with Input = [{string.Join(", ", inputs)}], without \"{name}\", but the request has {Phrase(kind)} ({MediaTypeOf(contents[i])}). Remove it, or add \"{name}\" to the model entry's Input if the model takes {name} input.");
            }

            if (contents[i] is DataContent data)
            {
                inline += data.Data.Length;
            }
        }

        return inline;
    }

    /// <summary>Whether <paramref name="message"/> is written here rather than by MEAI's mapping: a system, user or developer
    /// message with media (assistant and tool messages keep MEAI's mapping: their other fields are its job).</summary>
    public static bool WritesOwnParts(MeaiChatMessage message)
    {
        if (message.Role == ChatRole.Assistant || message.Role == ChatRole.Tool)
        {
            return false;
        }

        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is DataContent or UriContent)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="message"/> as <c>{"role","content":[parts],"name"}</c>, the shape the SDK writes,
    /// with each media part in vLLM's shape.</summary>
    public static void WriteMessage(Utf8JsonWriter writer, MeaiChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, message.Role.Value);
        writer.WriteStartArray("content"u8);
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, text.Text);
                    writer.WriteEndObject();
                    break;
                case DataContent data:
                    WritePart(writer, data);
                    break;
                case UriContent uri:
                    WritePart(writer, uri);
                    break;
            }
        }

        writer.WriteEndArray();
        if (ParticipantName(message) is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, DataContent data)
    {
        var kind = KindOf(data);
        writer.WriteStartObject();
        if (kind == VllmMediaKind.Audio && InputAudioFormat(data.MediaType) is { } format)
        {
            // vLLM's input_audio takes wav and mp3 only (OpenAI's InputAudio); the decoder sniffs the bytes.
            writer.WriteString("type"u8, "input_audio"u8);
            writer.WritePropertyName("input_audio"u8);
            writer.WriteStartObject();
            writer.WriteBase64String("data"u8, data.Data.Span);
            writer.WriteString("format"u8, format);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        var (type, field) = PartNames(kind);
        writer.WriteString("type"u8, type);
        writer.WritePropertyName(field);
        writer.WriteStartObject();
        writer.WritePropertyName("url"u8);
        WriteDataUri(writer, data.MediaType, data.Data.Span);
        if (kind == VllmMediaKind.Image)
        {
            WriteDetail(writer, data);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, UriContent uri)
    {
        var kind = KindOf(uri);
        var (type, field) = PartNames(kind);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WritePropertyName(field);
        writer.WriteStartObject();
        writer.WriteString("url"u8, uri.Uri.OriginalString);
        if (kind == VllmMediaKind.Image)
        {
            WriteDetail(writer, uri);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"data:&lt;media type&gt;;base64,&lt;bytes&gt;"</c> as one JSON string, the bytes encoded into a pooled
    /// buffer (no base64 string).</summary>
    internal static void WriteDataUri(Utf8JsonWriter writer, string mediaType, ReadOnlySpan<byte> bytes)
    {
        if (!IsPlainAscii(mediaType))
        {
            // Would need JSON escaping: the rare slow path (a string), correct for any text.
            writer.WriteStringValue("data:" + mediaType + ";base64," + Convert.ToBase64String(bytes));
            return;
        }

        var length = 1 + "data:".Length + mediaType.Length + ";base64,".Length + Base64.GetMaxEncodedToUtf8Length(bytes.Length) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan();
            var at = 0;
            span[at++] = (byte)'"';
            at += Ascii("data:", span[at..]);
            at += Ascii(mediaType, span[at..]);
            at += Ascii(";base64,", span[at..]);
            Base64.EncodeToUtf8(bytes, span[at..], out _, out var written);
            at += written;
            span[at++] = (byte)'"';
            writer.WriteRawValue(span[..at], skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The <c>detail</c> MEAI reads from <c>AdditionalProperties["detail"]</c>, when it is one vLLM accepts.</summary>
    private static void WriteDetail(Utf8JsonWriter writer, AIContent content)
    {
        if (content.AdditionalProperties?.TryGetValue("detail", out var value) == true
            && value?.ToString()?.ToLowerInvariant() is { } detail
            && detail is "auto" or "low" or "high")
        {
            writer.WriteString("detail"u8, detail);
        }
    }

    /// <summary>The name MEAI's mapping sends for the message's author (it removes characters OpenAI refuses), or
    /// <see langword="null"/>.</summary>
    private static string? ParticipantName(MeaiChatMessage message)
    {
        if (string.IsNullOrEmpty(message.AuthorName))
        {
            return null;
        }

        var shell = new MeaiChatMessage(message.Role, (string?)null) { AuthorName = message.AuthorName };
        return new[] { shell }.AsOpenAIChatMessages().FirstOrDefault() switch
        {
            UserChatMessage user => user.ParticipantName,
            SystemChatMessage system => system.ParticipantName,
#pragma warning disable OPENAI001 // DeveloperChatMessage is experimental; only its name is read, as MEAI's mapping set it.
            DeveloperChatMessage developer => developer.ParticipantName,
#pragma warning restore OPENAI001
            _ => message.AuthorName,
        };
    }

    private static VllmMediaKind? KindOf(string mediaType)
    {
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var top = slash < 0 ? mediaType : mediaType[..slash];
        return top.ToLowerInvariant() switch
        {
            "image" => VllmMediaKind.Image,
            "audio" => VllmMediaKind.Audio,
            "video" => VllmMediaKind.Video,
            _ => null,
        };
    }

    /// <summary>The <c>input_audio.format</c> for a wav or mp3 media type (the two vLLM takes there), else <see langword="null"/>.</summary>
    internal static string? InputAudioFormat(string mediaType)
    {
        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        var bare = (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim().ToLowerInvariant();
        return bare switch
        {
            "audio/wav" or "audio/x-wav" or "audio/wave" or "audio/vnd.wave" => "wav",
            "audio/mpeg" or "audio/mp3" or "audio/mpeg3" or "audio/x-mpeg-3" => "mp3",
            _ => null,
        };
    }

    private static (byte[] Type, byte[] Field) PartNames(VllmMediaKind kind) => kind switch
    {
        VllmMediaKind.Image => (ImageUrl, ImageUrl),
        VllmMediaKind.Audio => (AudioUrl, AudioUrl),
        _ => (VideoUrl, VideoUrl),
    };

    private static readonly byte[] ImageUrl = "image_url"u8.ToArray();
    private static readonly byte[] AudioUrl = "audio_url"u8.ToArray();
    private static readonly byte[] VideoUrl = "video_url"u8.ToArray();

    private static NotSupportedException Unsupported(string mediaType, string what) => new(
        $"The chat request has a {what} with media type '{mediaType}', which vLLM cannot take: its chat API accepts images (image/*), audio (audio/*) and video (video/*), and answers anything else (such as an OpenAI 'file' part for a PDF) with 400. Nothing was sent. Send the document's text as a TextContent (for a PDF: its extracted text, or its pages rendered as images).");

    private static bool Declares(IList<string> inputs, VllmMediaKind kind)
    {
        var name = Name(kind);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (string.Equals(inputs[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Name(VllmMediaKind kind) => kind switch
    {
        VllmMediaKind.Image => "image",
        VllmMediaKind.Audio => "audio",
        _ => "video",
    };

    private static string Phrase(VllmMediaKind kind) => kind switch
    {
        VllmMediaKind.Image => "an image",
        VllmMediaKind.Audio => "audio",
        _ => "a video",
    };

    private static string MediaTypeOf(AIContent content) => content switch
    {
        DataContent data => data.MediaType,
        UriContent uri => uri.MediaType,
        _ => string.Empty,
    };

    private static bool IsPlainAscii(string text)
    {
        foreach (var c in text)
        {
            // Characters a JSON string carries unescaped (and that Utf8JsonWriter's default encoder would not escape).
            if (c is < ' ' or > '~' or '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`')
            {
                return false;
            }
        }

        return true;
    }

    private static int Ascii(string text, Span<byte> destination)
    {
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }

        return text.Length;
    }
}
