using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using AgentDemo.Tools;
using Connectors.Vllm;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentDemo;

/// <summary>
/// Asks the agent: streams the answer as it arrives, reasoning dimmed, tool calls noted, usage at the end.
/// Two interchangeable agents: Semantic Kernel (<c>.AddVllmChatCompletion()</c>, auto function calling) and
/// Microsoft Agent Framework (<see cref="ChatClientAgent"/> over our <see cref="IChatClient"/> with middleware).
/// </summary>
internal static class ChatCommand
{
    internal const string Instructions = "You are a helpful assistant for people who run vLLM. Use the tools when they help; answer briefly.";

    /// <summary>Shown when no prompt is given. It names the tools so the scripted test model calls one, too.</summary>
    internal const string ShowcasePrompt = "Please use clock_now: what time is it in UTC?";

    /// <summary>Asked when an image is given without a prompt.</summary>
    internal const string DescribeImagePrompt = "Describe this image.";

    public static async Task<int> RunAsync(DemoArguments args, DemoServer server, DemoConsole style, TextReader input, bool interactive, CancellationToken cancellationToken)
    {
        using var embeddings = server.EmbeddingModel is null ? null : new VllmEmbeddingGenerator(server.Options, server.EmbeddingModel);
        var search = new DocumentSearchTool(embeddings);
        var clock = new ClockTool(TimeProvider.System);
        var units = new UnitConverterTool();
        IAgentSession session = args.Agent == "maf"
            ? new AgentFrameworkSession(server, clock, units, search)
            : new SemanticKernelSession(server, clock, units, search);

        style.Dim($"agent: {(args.Agent == "maf" ? "Microsoft Agent Framework" : "Semantic Kernel")} · model: {server.ChatModel ?? "(the server's only model)"} · {server.Options.BaseUrl}\n");
        if (!search.UsesEmbeddings)
        {
            style.Dim("document search: word overlap (no --embedding-model given)\n");
        }

        // --image: the file's bytes as a DataContent with its media type, in the first user message only.
        DataContent? image = args.Image is { } file
            ? new DataContent(await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false), ImageFile.MediaTypeOf(file)!) { Name = file.Name }
            : null;
        if (image is not null)
        {
            style.Dim($"image: {args.Image!.Name} ({image.MediaType}, {image.Data.Length:N0} bytes)\n");
        }

        var prompt = args.Prompt;
        if (prompt is null)
        {
            prompt = image is null ? ShowcasePrompt : DescribeImagePrompt;
            style.Dim($"> {prompt}\n");
        }

        while (true)
        {
            await AskAsync(session, new ChatMessage(ChatRole.User, image is null ? [new Microsoft.Extensions.AI.TextContent(prompt)] : [new Microsoft.Extensions.AI.TextContent(prompt), image]), style, cancellationToken).ConfigureAwait(false);
            image = null;
            if (!interactive)
            {
                return 0;
            }

            style.Plain("\n> ");
            prompt = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(prompt) || prompt.Trim() is "exit" or "quit")
            {
                return 0;
            }
        }
    }

    private static async Task AskAsync(IAgentSession session, ChatMessage message, DemoConsole style, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var inReasoning = false;
        UsageDetails? usage = null;

        // The spinner runs until the first piece arrives; the rest streams as it comes.
        await using var pieces = session.StreamAsync(message, cancellationToken).GetAsyncEnumerator(cancellationToken);
        for (var more = await style.WaitAsync("waiting for the first token…", () => pieces.MoveNextAsync().AsTask()).ConfigureAwait(false);
             more;
             more = await pieces.MoveNextAsync().ConfigureAwait(false))
        {
            var piece = pieces.Current;
            switch (piece.Kind)
            {
                case PieceKind.Reasoning:
                    if (!inReasoning)
                    {
                        style.Dim("thinking: ");
                        inReasoning = true;
                    }

                    style.Dim(piece.Text!);
                    break;
                case PieceKind.Text:
                    if (inReasoning)
                    {
                        style.Plain("\n");
                        inReasoning = false;
                    }

                    style.Plain(piece.Text!);
                    break;
                case PieceKind.ToolCall:
                    style.Dim($"\n[tool] {piece.Text}\n");
                    inReasoning = false;
                    break;
                case PieceKind.Usage:
                    usage = Add(usage, piece.Usage!);
                    break;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        style.Plain("\n");
        style.Dim(usage is null
            ? string.Create(CultureInfo.InvariantCulture, $"(no usage reported · {seconds:0.0} s)\n")
            : string.Create(CultureInfo.InvariantCulture, $"usage: {usage.InputTokenCount} in ({usage.CachedInputTokenCount ?? 0} cached) · {usage.OutputTokenCount} out · {usage.TotalTokenCount} total · {seconds:0.0} s\n"));
    }

    private static UsageDetails Add(UsageDetails? total, UsageDetails next)
    {
        if (total is null)
        {
            return next;
        }

        total.Add(next);
        return total;
    }

    internal enum PieceKind
    {
        Text,
        Reasoning,
        ToolCall,
        Usage,
    }

    internal readonly record struct Piece(PieceKind Kind, string? Text = null, UsageDetails? Usage = null);

    private interface IAgentSession
    {
        IAsyncEnumerable<Piece> StreamAsync(ChatMessage message, CancellationToken cancellationToken);
    }

    /// <summary>Semantic Kernel: the kernel's chat service from <c>.AddVllmChatCompletion()</c>, tools as plugins, auto function calling.</summary>
    private sealed class SemanticKernelSession : IAgentSession
    {
        private readonly Kernel _kernel;
        private readonly ChatHistory _history = new(Instructions);

        public SemanticKernelSession(DemoServer server, ClockTool clock, UnitConverterTool units, DocumentSearchTool search)
        {
            var builder = Kernel.CreateBuilder();
            builder.AddVllmChatCompletion(server.Options, server.ChatModel);
            _kernel = builder.Build();
            // SK names a plugin function "<plugin>_<function>" on the wire: clock_now, units_convert, docs_search,
            // the same names the Agent Framework path gives its tools.
            _kernel.Plugins.AddFromFunctions("clock", [KernelFunctionFactory.CreateFromMethod(clock.get_current_time, "now")]);
            _kernel.Plugins.AddFromFunctions("units", [KernelFunctionFactory.CreateFromMethod(units.convert_units, "convert")]);
            _kernel.Plugins.AddFromFunctions("docs", [KernelFunctionFactory.CreateFromMethod(search.search_documents, "search")]);
        }

        public async IAsyncEnumerable<Piece> StreamAsync(ChatMessage message, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // SK's own content types: the text, and the image as SK's ImageContent (which the connector sends as MEAI's DataContent).
            var items = new ChatMessageContentItemCollection();
            foreach (var content in message.Contents)
            {
                KernelContent item = content is DataContent data
                    ? new ImageContent(data.Data, data.MediaType)
                    : new Microsoft.SemanticKernel.TextContent(((Microsoft.Extensions.AI.TextContent)content).Text);
                items.Add(item);
            }

            _history.AddUserMessage(items);
            var service = _kernel.GetRequiredService<IChatCompletionService>();
            var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
            var answer = new System.Text.StringBuilder();
            await foreach (var update in service.GetStreamingChatMessageContentsAsync(_history, settings, _kernel, cancellationToken).ConfigureAwait(false))
            {
                if (update.Metadata is { } metadata)
                {
                    if (metadata.TryGetValue("reasoning", out var r) && r is string reasoning)
                    {
                        yield return new Piece(PieceKind.Reasoning, reasoning);
                    }

                    if (metadata.TryGetValue("Usage", out var u) && u is UsageContent usage)
                    {
                        yield return new Piece(PieceKind.Usage, Usage: usage.Details);
                    }
                }

                foreach (var item in update.Items)
                {
                    if (item is StreamingFunctionCallUpdateContent { Name: { Length: > 0 } name })
                    {
                        yield return new Piece(PieceKind.ToolCall, name);
                    }
                }

                if (!string.IsNullOrEmpty(update.Content))
                {
                    answer.Append(update.Content);
                    yield return new Piece(PieceKind.Text, update.Content);
                }
            }

            _history.AddAssistantMessage(answer.ToString());
        }
    }

    /// <summary>Microsoft Agent Framework: a <see cref="ChatClientAgent"/> over our client with MEAI middleware.</summary>
    private sealed class AgentFrameworkSession : IAgentSession
    {
        private readonly ChatClientAgent _agent;
        private AgentSession? _session;

        public AgentFrameworkSession(DemoServer server, ClockTool clock, UnitConverterTool units, DocumentSearchTool search)
        {
            var chatClient = new VllmChatClient(server.Options, server.ChatModel)
                .AsBuilder()
                .UseFunctionInvocation()
                .UseOpenTelemetry(sourceName: "AgentDemo")
                .Build();
            _agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
            {
                Name = "vllm-helper",
                ChatOptions = new ChatOptions
                {
                    Instructions = Instructions,
                    Tools =
                    [
                        AIFunctionFactory.Create(clock.get_current_time, "clock_now"),
                        AIFunctionFactory.Create(units.convert_units, "units_convert"),
                        AIFunctionFactory.Create(search.search_documents, "docs_search"),
                    ],
                },
                // Function invocation is already in the pipeline above; the agent must not add a second loop.
                UseProvidedChatClientAsIs = true,
            });
        }

        public async IAsyncEnumerable<Piece> StreamAsync(ChatMessage message, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            _session ??= await _agent.CreateSessionAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var update in _agent.RunStreamingAsync(message, _session, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextReasoningContent { Text.Length: > 0 } reasoning:
                            yield return new Piece(PieceKind.Reasoning, reasoning.Text);
                            break;
                        case Microsoft.Extensions.AI.TextContent { Text.Length: > 0 } text:
                            yield return new Piece(PieceKind.Text, text.Text);
                            break;
                        case Microsoft.Extensions.AI.FunctionCallContent call:
                            yield return new Piece(PieceKind.ToolCall, call.Name);
                            break;
                        case UsageContent usage:
                            yield return new Piece(PieceKind.Usage, Usage: usage.Details);
                            break;
                    }
                }
            }
        }
    }
}
