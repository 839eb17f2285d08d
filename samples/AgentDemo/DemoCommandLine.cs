using System;
using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AgentDemo;

/// <summary>
/// The command line, on System.CommandLine: <c>[chat|doctor|models|serve] [prompt…] [options]</c>, with help
/// (<c>-h</c>), validation, and completions (the <c>[suggest]</c> directive that <c>dotnet-suggest</c> uses for tab
/// completion).
/// </summary>
internal sealed class DemoCommandLine
{
    internal const string Description = """
        AgentDemo — an agent on vLLM through Semantic Kernel or Microsoft Agent Framework.
        With no vLLM answering, chat runs on the built-in test server (scripted answers, not a model).
        Configuration: appsettings.json "Vllm" section, VLLM_API_KEY, VLLM_BASE_URL.
        """;

    private readonly Argument<string[]> _prompt = new("prompt")
    {
        Description = "What to ask; without it, an interactive prompt (a showcase question first)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _agent = new("--agent")
    {
        Description = "Semantic Kernel (sk, the default) or Microsoft Agent Framework (maf)",
        DefaultValueFactory = _ => "sk",
    };

    private readonly Option<Uri?> _baseUrl = new("--base-url")
    {
        Description = "The server's /v1 URL (else Vllm:BaseUrl, VLLM_BASE_URL, http://127.0.0.1:8000/v1)",
        HelpName = "url",
        Recursive = true,
        CustomParser = ParseAbsoluteUrl,
    };

    private readonly Option<string?> _model = new("--model") { Description = "The chat model (else the only served one)", HelpName = "id" };

    private readonly Option<string?> _embeddingModel = new("--embedding-model") { Description = "The embedding model for document search", HelpName = "id" };

    private readonly Option<FileInfo> _image = new("--image")
    {
        Description = $"An image file to describe, sent with the first prompt ({ImageFile.Extensions})",
        HelpName = "path",
    };

    private readonly Option<int> _port = new("--port") { Description = "The port to serve on (0 for any free one)", DefaultValueFactory = _ => 8000 };

    private readonly Option<string?> _apiKey = new("--api-key")
    {
        Description = "The server's key (serve: require it on /v1, as vllm serve --api-key)",
        HelpName = "key",
        Recursive = true,
    };

    private readonly Option<bool> _allowPrivateNetwork = new("--allow-private-network")
    {
        Description = "Approve a loopback/LAN/private --base-url (the default 127.0.0.1:8000 needs no approval)",
        Recursive = true,
    };

    private readonly Option<bool> _noFallback = new("--no-fallback") { Description = "Fail instead of using the built-in test server when no vLLM answers" };

    private readonly Option<bool> _noColor = new("--no-color") { Description = "Plain output: no colours, no spinner, borderless tables", Recursive = true };

    private readonly Option<bool> _verbose = new("--verbose") { Description = "Show the library's log (retries, discovery, refused addresses, stalls)", Recursive = true };

    /// <summary>The root command (chat), its subcommands, and their actions.</summary>
    /// <param name="run">Runs a command with its parsed values.</param>
    public RootCommand Create(Func<DemoArguments, CancellationToken, Task<int>> run)
    {
        _agent.AcceptOnlyFromAmong("sk", "maf");
        // A word the parser did not take as an option lands in the prompt: an unknown --option is an error, not a question.
        _prompt.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith("--", StringComparison.Ordinal))
                {
                    result.AddError($"Unknown option {token.Value}.");
                }
            }
        });
        // Validators read the raw token: a value that did not convert already has its error, and reading it would throw.
        _port.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && int.TryParse(token.Value, CultureInfo.InvariantCulture, out var port) && port is < 0 or > 65535)
            {
                result.AddError($"--port: {port} is not a port number (0-65535).");
            }
        });
        _image.AcceptExistingOnly();
        _image.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && ImageFile.MediaTypeOf(new FileInfo(token.Value)) is null)
            {
                result.AddError($"--image: '{token.Value}' is not an image file ({ImageFile.Extensions}).");
            }
        });

        var root = new RootCommand(Description);
        AddChatSymbols(root);
        root.Options.Add(_baseUrl);
        root.Options.Add(_apiKey);
        root.Options.Add(_allowPrivateNetwork);
        root.Options.Add(_noColor);
        root.Options.Add(_verbose);
        root.SetAction((result, ct) => run(Read(result, "chat"), ct));

        var chat = new Command("chat", "Ask the agent (the default command)");
        AddChatSymbols(chat);
        chat.SetAction((result, ct) => run(Read(result, "chat"), ct));

        var doctor = new Command("doctor", "Check the configured server: reachable, auth, models, private network");
        doctor.SetAction((result, ct) => run(Read(result, "doctor"), ct));

        var models = new Command("models", "List the served (or configured) models with their context windows");
        models.SetAction((result, ct) => run(Read(result, "models"), ct));

        var serve = new Command("serve", "Run the built-in, scripted test server (not a model) for curl or any OpenAI client");
        serve.Options.Add(_port);
        serve.SetAction((result, ct) => run(Read(result, "serve"), ct));

        root.Subcommands.Add(chat);
        root.Subcommands.Add(doctor);
        root.Subcommands.Add(models);
        root.Subcommands.Add(serve);
        return root;
    }

    private void AddChatSymbols(Command command)
    {
        command.Arguments.Add(_prompt);
        command.Options.Add(_agent);
        command.Options.Add(_model);
        command.Options.Add(_embeddingModel);
        command.Options.Add(_image);
        command.Options.Add(_noFallback);
    }

    private DemoArguments Read(ParseResult result, string command)
    {
        var prompt = result.GetValue(_prompt);
        return new DemoArguments
        {
            Command = command,
            Prompt = prompt is { Length: > 0 } ? string.Join(' ', prompt) : null,
            Agent = result.GetValue(_agent) ?? "sk",
            BaseUrl = result.GetValue(_baseUrl),
            Model = result.GetValue(_model),
            EmbeddingModel = result.GetValue(_embeddingModel),
            ApiKey = result.GetValue(_apiKey),
            Port = command == "serve" ? result.GetValue(_port) : 8000,
            NoColor = result.GetValue(_noColor),
            NoFallback = result.GetValue(_noFallback),
            AllowPrivateNetwork = result.GetValue(_allowPrivateNetwork),
            Verbose = result.GetValue(_verbose),
            Image = result.GetValue(_image),
        };
    }

    private static Uri? ParseAbsoluteUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--base-url: '{text}' is not an absolute http(s) URL.");
        return null;
    }
}
