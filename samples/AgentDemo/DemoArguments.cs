using System;
using System.IO;

namespace AgentDemo;

/// <summary>The values of one parsed command line (see <see cref="DemoCommandLine"/>), as the commands read them.</summary>
internal sealed class DemoArguments
{
    public string Command { get; init; } = "chat";

    public string? Prompt { get; init; }

    public string Agent { get; init; } = "sk";

    public Uri? BaseUrl { get; init; }

    public string? Model { get; init; }

    public string? EmbeddingModel { get; init; }

    public string? ApiKey { get; init; }

    public int Port { get; init; } = 8000;

    public bool NoColor { get; init; }

    public bool NoFallback { get; init; }

    public bool AllowPrivateNetwork { get; init; }

    public bool Verbose { get; init; }

    /// <summary>An image file to describe (<c>--image PATH</c>), sent with the first prompt.</summary>
    public FileInfo? Image { get; init; }
}
