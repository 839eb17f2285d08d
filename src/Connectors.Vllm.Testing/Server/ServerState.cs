using System.Security.Cryptography;

namespace Connectors.Vllm.Testing.Server;

/// <summary>What every route shares: the options, the emulated version, the models, faults, counters and ids.</summary>
internal sealed class ServerState
{
    private readonly ScriptLog<RecordedRequest, VllmTestFault> _log;
    private readonly string _fingerprintHash;
    private int _abortedCount;
    private int _inFlight;
    private long _promptTokensTotal;
    private long _generationTokensTotal;
    private long _successTotal;

    public ServerState(VllmTestServerOptions options, Action<RecordedRequest> onAborted)
    {
        Options = options;
        OnAborted = onAborted;
        Version = new EmulatedVersion(options.ServerVersion);
        _log = new ScriptLog<RecordedRequest, VllmTestFault>(options.Faults, f => f.Budget);
        Models = options.Models.Count > 0
            ? options.Models.ToArray()
            : new[] { new VllmTestModel(VllmTestServerOptions.DefaultModelId) };
        var hash = 2166136261u;
        foreach (var c in string.Join('|', Models.Select(m => m.Id)) + options.ServerVersion)
        {
            hash = (hash ^ c) * 16777619u;
        }

        _fingerprintHash = hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    public VllmTestServerOptions Options { get; }

    public EmulatedVersion Version { get; }

    public TestTokenizer Tokenizer { get; } = new();

    public IReadOnlyList<VllmTestModel> Models { get; }

    /// <summary>Cancelled when the server stops, so stalled and delayed responses never hold the shutdown.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Called (once per request) when a client goes away before its response is complete.</summary>
    public Action<RecordedRequest> OnAborted { get; }

    public int AbortedCount => Volatile.Read(ref _abortedCount);

    public int InFlight => Volatile.Read(ref _inFlight);

    public long PromptTokensTotal => Interlocked.Read(ref _promptTokensTotal);

    public long GenerationTokensTotal => Interlocked.Read(ref _generationTokensTotal);

    public long SuccessTotal => Interlocked.Read(ref _successTotal);

    /// <summary>The <c>system_fingerprint</c> of the emulated version (null before v0.21).</summary>
    public string? Fingerprint => Version.HasFingerprint ? $"vllm-{Options.ServerVersion}-{_fingerprintHash}" : null;

    public RecordedRequest[] Requests() => _log.Requests();

    public void Record(RecordedRequest request) => _log.Record(request);

    public void Reset()
    {
        _log.Reset();
        Volatile.Write(ref _abortedCount, 0);
    }

    public void AddFault(VllmTestFault fault) => _log.AddFault(fault);

    public void ClearFaults() => _log.ClearFaults();

    public void EnterRequest() => Interlocked.Increment(ref _inFlight);

    public void LeaveRequest() => Interlocked.Decrement(ref _inFlight);

    public void CountAborted() => Interlocked.Increment(ref _abortedCount);

    /// <summary>Counts a finished chat completion for /metrics.</summary>
    public void CountChat(int promptTokens, int generationTokens)
    {
        Interlocked.Add(ref _promptTokensTotal, promptTokens);
        Interlocked.Add(ref _generationTokensTotal, generationTokens);
    }

    public void CountSuccess() => Interlocked.Increment(ref _successTotal);

    /// <summary>Takes the request's header fault or a server-wide fault of a kind that applies here, and records it.</summary>
    public VllmTestFault? TakeFault(RequestState request, Func<VllmTestFaultKind, bool> applies)
    {
        if (request.HeaderFault is { } hf && applies(hf.Kind) && hf.TryConsume())
        {
            request.Record.Fault = hf.Kind;
            return hf;
        }

        var fault = _log.TakeFault(f => applies(f.Kind));
        if (fault is not null)
        {
            request.Record.Fault = fault.Kind;
        }

        return fault;
    }

    /// <summary>Waits for a fault's delay; ends early (and closes the connection) when the server stops.</summary>
    public async Task FaultDelayAsync(RequestState request, int milliseconds)
    {
        var ctx = request.Context;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping.Token);
        try
        {
            await Task.Delay(milliseconds, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested && !ctx.RequestAborted.IsCancellationRequested)
        {
            request.ServerClosed = true;
            ctx.Abort();
            throw;
        }
    }

    /// <summary>A random hex id, 32 or 16 digits as the emulated version makes them.</summary>
    public string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes[..(Version.IdHexLength / 2)]).ToLowerInvariant();
    }

    /// <summary>The request id: the <c>X-Request-Id</c> header, else the body's <c>request_id</c>, else a new one.</summary>
    public string RequestId(HttpContext ctx, string? bodyRequestId)
    {
        var header = ctx.Request.Headers["X-Request-Id"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        return string.IsNullOrEmpty(bodyRequestId) ? NewId() : bodyRequestId;
    }

    /// <summary>A LoRA adapter has its base model's context length.</summary>
    public int MaxModelLen(VllmTestModel model)
    {
        if (model.Parent is { } parent && Models.FirstOrDefault(m => m.Id == parent) is { } p)
        {
            return p.MaxModelLen;
        }

        return model.MaxModelLen;
    }

    /// <summary>Finds the requested model; <paramref name="embedding"/> null accepts any kind, false a generative (chat or
    /// completions) model, true an embedding model.</summary>
    public VllmTestModel ResolveModel(JsonObject body, bool? embedding, bool paramModel)
    {
        Func<VllmTestModel, bool> serves = embedding switch
        {
            null => static _ => true,
            true => static m => m.IsEmbedding,
            false => static m => !m.IsEmbedding && !m.IsTranscription,
        };
        return ResolveModel(ModelName(body), serves, paramModel);
    }

    /// <summary>Finds the model <paramref name="name"/> (empty: the first one <paramref name="serves"/> accepts); a model
    /// the route does not serve answers as an absent route does (FastAPI's 404).</summary>
    public VllmTestModel ResolveModel(string? name, Func<VllmTestModel, bool> serves, bool paramModel)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Models.FirstOrDefault(serves) ?? throw VllmProblem.RouteNotFound();
        }

        var model = Models.FirstOrDefault(m => m.Id == name) ?? throw VllmProblem.NotFoundModel(name, paramModel);
        if (!serves(model))
        {
            // A vLLM server serves one model; the route for the other kind of task does not exist there.
            throw VllmProblem.RouteNotFound();
        }

        return model;
    }

    /// <summary>The body's <c>model</c>, checked to be a string (or null).</summary>
    private static string? ModelName(JsonObject body)
    {
        var node = body["model"];
        string? name = null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            name = v.GetValue<string>();
        }
        else if (node is not null && node.GetValueKind() != JsonValueKind.Null)
        {
            throw VllmProblem.Validation("string_type", new[] { "body", "model" }, "Input should be a valid string", PyText.Repr(node));
        }

        return name;
    }

    /// <summary>Which reasoning field names the answer carries.</summary>
    public (bool Reasoning, bool ReasoningContent) ReasoningNames() => Options.ReasoningField switch
    {
        VllmReasoningField.Reasoning => (true, false),
        VllmReasoningField.ReasoningContent => (false, true),
        VllmReasoningField.Both => (true, true),
        _ => (Version.SendsReasoning, Version.SendsReasoningContent),
    };

    /// <summary>A route the served model lacks: FastAPI's 404 since v0.16.0 (PR #33139); before, every route existed and
    /// answered HTTP 200 with an error object naming the API (wire reference §15.1).</summary>
    /// <param name="api">The API's name in vLLM's message ("Transcriptions", "Translations", "Completions").</param>
    public VllmProblem RouteAbsent(string api) => Version.AtLeast(0, 16, 0)
        ? VllmProblem.RouteNotFound()
        : VllmProblem.WithStatus(200, VllmProblem.Check($"The model does not support {api} API", null), Version);

    /// <summary>The strict mode's 400 for a field the emulated vLLM does not declare.</summary>
    public VllmProblem StrictReject(string param, string what) =>
        VllmProblem.Check(
            $"[strict test server] {what} is not accepted by vLLM {Options.ServerVersion}; real vLLM would silently ignore it.",
            param);
}
