using System.IO;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Connectors.Vllm.Testing.Server.Http;

/// <summary>
/// A <c>multipart/form-data</c> body as FastAPI's <c>Form()</c> reads it: text fields (a name may repeat) and file parts
/// (a part with a <c>filename</c>). Any other content type reads as an empty form (pydantic then reports the missing fields).
/// </summary>
internal sealed class FormBody
{
    private FormBody(List<KeyValuePair<string, string>> fields, Dictionary<string, (string FileName, byte[] Bytes)> files)
    {
        Fields = fields;
        Files = files;
    }

    /// <summary>Gets the text fields in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>Gets the file parts by field name.</summary>
    public IReadOnlyDictionary<string, (string FileName, byte[] Bytes)> Files { get; }

    /// <summary>The last value of a text field, or <see langword="null"/>.</summary>
    public string? this[string name] => Fields.LastOrDefault(f => f.Key == name).Value;

    /// <summary>Whether the form has a text field or a file named <paramref name="name"/>.</summary>
    public bool Has(string name) => Files.ContainsKey(name) || Fields.Any(f => f.Key == name);

    /// <summary>The text fields as the <c>input</c> pydantic prints in a validation error.</summary>
    public JsonObject ToInput()
    {
        var input = new JsonObject();
        foreach (var (name, value) in Fields)
        {
            input[name] = value;
        }

        return input;
    }

    /// <summary>Reads the request's recorded body.</summary>
    public static async Task<FormBody> ReadAsync(RequestState request)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        if (!MediaTypeHeaderValue.TryParse(request.Context.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return new FormBody(fields, files);
        }

        try
        {
            var reader = new MultipartReader(boundary, new MemoryStream(request.Body, writable: false));
            while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } quoted)
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(quoted).Value!;
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data).ConfigureAwait(false);
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    files[name] = (HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty, data.ToArray());
                }
                else
                {
                    fields.Add(new(name, Encoding.UTF8.GetString(data.GetBuffer(), 0, (int)data.Length)));
                }
            }
        }
        catch (IOException e)
        {
            throw new VllmProblem(400, "Bad Request", "1 validation error:\n  [test server] the multipart body could not be parsed: " + e.Message, null);
        }

        return new FormBody(fields, files);
    }
}
