using System;
using System.Collections.Generic;
using Connectors.Vllm.Benchmarks.Baseline;
using Connectors.Vllm.Benchmarks.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Connectors.Vllm.Benchmarks.Suites;

/// <summary>What every chat suite sets up: the replay server, the four clients for one model, the request.</summary>
public abstract class ChatSuiteBase : SuiteBase
{
    internal IChatClient? OursClient { get; private set; }

    internal IChatClient StockClient { get; private set; } = null!;

    internal IChatCompletionService SkService { get; private set; } = null!;

    internal RawChatClient RawClient { get; private set; } = null!;

    internal IList<ChatMessage> Messages { get; private set; } = null!;

    internal ChatHistory History { get; private set; } = null!;

    protected void StartChatClients(string model)
    {
        StartServer();
        OursClient = OursClients.Chat(Server.V1, model);
        StockClient = PeerClients.StockChat(Server.V1, model);
        SkService = PeerClients.SkChat(Server.V1, model);
        RawClient = new RawChatClient(Server.V1);
        Messages = BenchInputs.Messages();
        History = new ChatHistory();
        History.AddUserMessage(BenchInputs.UserText);
    }

    protected void StopChatClients()
    {
        OursClient?.Dispose();
        StockClient.Dispose();
        RawClient.Dispose();
        StopServer();
    }
}
