using System;
using System.Collections.Generic;
using System.Globalization;

namespace AgentDemo;

/// <summary>The command line: <c>[chat|doctor|models|serve] [prompt…] [--option value…]</c>.</summary>
internal sealed class DemoArguments
{
    public string Command { get; private init; } = "chat";

    public string? Prompt { get; private init; }

    public string Agent { get; private init; } = "sk";

    public Uri? BaseUrl { get; private init; }

    public string? Model { get; private init; }

    public string? EmbeddingModel { get; private init; }

    public string? ApiKey { get; private init; }

    public int Port { get; private init; } = 8000;

    public bool NoColor { get; private init; }

    public bool NoFallback { get; private init; }

    public bool AllowPrivateNetwork { get; private init; }

    public bool Verbose { get; private init; }

    public bool Help { get; private init; }

    public static readonly string Usage = """
        AgentDemo — an agent on vLLM through Semantic Kernel or Microsoft Agent Framework.

        Usage:
          dotnet run --project samples/AgentDemo -- [command] [prompt] [options]

        Commands:
          chat      (default) ask the agent; a prompt as argument, or an interactive prompt
          doctor    check the configured server: reachable, auth, models, private network
          models    list the served (or configured) models with their context windows
          serve     run the built-in, scripted test server (not a model) for curl or any OpenAI client

        Options:
          --agent sk|maf          Semantic Kernel (default) or Microsoft Agent Framework
          --base-url URL          the server's /v1 URL (else Vllm:BaseUrl, VLLM_BASE_URL, http://127.0.0.1:8000/v1)
          --model ID              the chat model (else the only served one)
          --embedding-model ID    the embedding model for document search
          --port N                port for serve (default 8000)
          --api-key KEY           the server's key (serve: require it on /v1, as vllm serve --api-key)
          --allow-private-network approve a loopback/LAN/private --base-url (the default 127.0.0.1:8000 needs no approval)
          --no-fallback           fail instead of using the built-in test server when no vLLM answers
          --no-color              plain output
          --verbose               show the library's log (retries, discovery, refused addresses, stalls)

        Configuration: appsettings.json "Vllm" section, VLLM_API_KEY, VLLM_BASE_URL.
        """;

    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static DemoArguments Parse(IReadOnlyList<string> args)
    {
        string command = "chat", agent = "sk";
        string? model = null, embeddingModel = null, apiKey = null;
        Uri? baseUrl = null;
        int port = 8000;
        bool noColor = false, noFallback = false, allowPrivate = false, help = false, verbose = false;
        var prompt = new List<string>();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "chat" or "doctor" or "models" or "serve" when i == 0:
                    command = arg;
                    break;
                case "--agent":
                    agent = Value().ToLowerInvariant();
                    if (agent is not ("sk" or "maf"))
                    {
                        throw new ArgumentException("--agent takes sk or maf.");
                    }

                    break;
                case "--base-url":
                    var text = Value();
                    baseUrl = Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--base-url: '{text}' is not an absolute URL.");
                    break;
                case "--model":
                    model = Value();
                    break;
                case "--api-key":
                    apiKey = Value();
                    break;
                case "--embedding-model":
                    embeddingModel = Value();
                    break;
                case "--port":
                    var p = Value();
                    port = int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535 ? n : throw new ArgumentException($"--port: '{p}' is not a port number.");
                    break;
                case "--no-color":
                    noColor = true;
                    break;
                case "--allow-private-network":
                    allowPrivate = true;
                    break;
                case "--no-fallback":
                    noFallback = true;
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "-h" or "--help" or "help":
                    help = true;
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Unknown option {arg}.");
                    }

                    prompt.Add(arg);
                    break;
            }
        }

        return new DemoArguments
        {
            Command = command,
            Prompt = prompt.Count > 0 ? string.Join(' ', prompt) : null,
            Agent = agent,
            BaseUrl = baseUrl,
            Model = model,
            EmbeddingModel = embeddingModel,
            ApiKey = apiKey,
            Port = port,
            NoColor = noColor,
            NoFallback = noFallback,
            AllowPrivateNetwork = allowPrivate,
            Verbose = verbose,
            Help = help,
        };
    }
}
