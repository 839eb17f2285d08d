using System;
using System.Collections.Generic;
using System.IO;

namespace AgentDemo;

/// <summary>The image formats <c>--image</c> takes, by file extension.</summary>
internal static class ImageFile
{
    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
    };

    /// <summary>The extensions taken, for messages.</summary>
    public static string Extensions => string.Join(", ", MediaTypes.Keys);

    /// <summary>The media type of <paramref name="file"/>, or <see langword="null"/> when its extension is not an image's.</summary>
    public static string? MediaTypeOf(FileInfo file) => MediaTypes.GetValueOrDefault(file.Extension);
}
