using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Testing.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Vllm.Testing;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 that answers like vLLM's OpenAI-compatible server, with a scripted,
/// deterministic test "model" (it echoes; it is a test double, not a model). For tests and demos.
/// </summary>
/// <remarks>
/// Start it with <see cref="StartAsync"/>, point a client at <see cref="BaseUrl"/>, assert on <see cref="Requests"/>.
/// Thread-safe: requests may run concurrently.
/// </remarks>
public sealed partial class VllmTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = new();
    private readonly List<VllmTestFault> _faults;
    private readonly object _gate = new();
    private readonly EmulatedVersion _version;
    private readonly TestTokenizer _tokenizer = new();
    private readonly IReadOnlyList<VllmTestModel> _models;
    private readonly string _fingerprintHash;
    private readonly CancellationTokenSource _stopping = new();
    private int _abortedCount;
    private int _inFlight;
    private long _promptTokensTotal;
    private long _generationTokensTotal;
    private long _successTotal;
    private int _disposed;

    private VllmTestServer(VllmTestServerOptions options, WebApplication app)
    {
        Options = options;
        _app = app;
        _version = new EmulatedVersion(options.ServerVersion);
        _faults = new List<VllmTestFault>(options.Faults);
        _models = options.Models.Count > 0
            ? options.Models.ToArray()
            : new[] { new VllmTestModel(VllmTestServerOptions.DefaultModelId) };
        var hash = 2166136261u;
        foreach (var c in string.Join('|', _models.Select(m => m.Id)) + options.ServerVersion)
        {
            hash = (hash ^ c) * 16777619u;
        }

        _fingerprintHash = hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>Raised (on a thread-pool thread) when a client goes away before its response is complete.</summary>
    public event EventHandler<RecordedRequest>? RequestAborted;

    /// <summary>Gets the options the server was started with.</summary>
    public VllmTestServerOptions Options { get; }

    /// <summary>Gets the OpenAI-style base URL, <c>http://127.0.0.1:&lt;port&gt;/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Gets the server root, <c>http://127.0.0.1:&lt;port&gt;/</c> (for <c>/health</c>, <c>/tokenize</c> and the like).</summary>
    public Uri RootUrl { get; private set; } = null!;

    /// <summary>Gets the served models (base models and adapters in <c>/v1/models</c> order).</summary>
    public IReadOnlyList<VllmTestModel> Models => _models;

    /// <summary>Gets a snapshot of the requests received so far, in arrival order (faulted and rejected ones included).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Gets how many requests were cut short because the client disconnected or cancelled.</summary>
    public int AbortedRequestCount => Volatile.Read(ref _abortedCount);

    /// <summary>Gets how many requests are being processed right now.</summary>
    public int InFlightRequestCount => Volatile.Read(ref _inFlight);

    /// <summary>Starts a server.</summary>
    /// <param name="options">The options; null for defaults (one chat model <c>test-model</c>, no auth, strict, v0.27.1).</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<VllmTestServer> StartAsync(VllmTestServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new VllmTestServerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be in [0, 65535].");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(VllmTestServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, options.Port);
        });

        var app = builder.Build();
        var server = new VllmTestServer(options, app);
        app.Run(server.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        server.RootUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        server.BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/v1");
        return server;
    }

    /// <summary>Forgets the recorded requests and the aborted-request count, and re-arms counted faults.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            foreach (var f in _faults)
            {
                f.ResetCount();
            }
        }

        Volatile.Write(ref _abortedCount, 0);
    }

    /// <summary>Adds a fault for every matching request from now on (or for <see cref="VllmTestFault.Times"/> requests).</summary>
    /// <param name="fault">The fault.</param>
    public void AddFault(VllmTestFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Removes every server-wide fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Stalled and delayed responses are cut off first, so stopping never waits for them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Streams stalled by a fault may hold the shutdown; they are cut off here.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Waits for a fault's delay; ends early (and closes the connection) when the server stops.</summary>
    private async Task FaultDelayAsync(RequestState state, int milliseconds)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(state.Context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(milliseconds, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !state.Context.RequestAborted.IsCancellationRequested)
        {
            state.ServerClosed = true;
            state.Context.Abort();
            throw;
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
        {
            headers[h.Key] = h.Value.ToString();
        }

        var record = new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.QueryString.Value ?? string.Empty, headers, body);
        lock (_gate)
        {
            _requests.Add(record);
        }

        var faultHeader = ctx.Request.Headers[VllmTestFault.HeaderName].ToString();
        VllmTestFault.TryParse(faultHeader, out var headerFault);
        var state = new RequestState(this, ctx, record, headerFault);
        Interlocked.Increment(ref _inFlight);
        using var registration = ctx.RequestAborted.Register(static s => ((RequestState)s!).Server.OnAborted((RequestState)s!), state);
        try
        {
            if (faultHeader.Length > 0 && headerFault is null)
            {
                // A typo in a test's fault header must not silently test the happy path.
                throw new VllmProblem(400, "BadRequestError", $"[test server] Unknown {VllmTestFault.HeaderName} value '{faultHeader}'.", VllmTestFault.HeaderName);
            }

            await DispatchAsync(state, body).ConfigureAwait(false);
            state.Completed = true;
        }
        catch (VllmProblem p) when (!ctx.Response.HasStarted)
        {
            if (p.RawBody is { } raw)
            {
                await WriteJsonAsync(ctx, p.Status, raw).ConfigureAwait(false);
            }
            else
            {
                await WriteErrorAsync(ctx, p.Status, p.ErrorType, p.Message, p.Param).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && (ctx.RequestAborted.IsCancellationRequested || state.ServerClosed))
        {
            // The client went away. Token callbacks run in reverse registration order and may run after this
            // handler has finished, so count the abort here too (OnAborted is idempotent).
            OnAborted(state);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException && !ctx.Response.HasStarted)
        {
            // A JSON shape the checks above did not anticipate (e.g. an object where a string belongs): pydantic would
            // reject it with 400 "Bad Request", so do the same rather than fail with a 500.
            await WriteErrorAsync(ctx, 400, "Bad Request", "1 validation error:\n  [test server] request shape not understood: " + e.Message, null).ConfigureAwait(false);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await WriteErrorAsync(ctx, 500, "InternalServerError", "[test server bug] " + e.GetType().Name + ": " + e.Message, null).ConfigureAwait(false);
        }
        finally
        {
            record.SetStatus(ctx.Response.StatusCode);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void OnAborted(RequestState state)
    {
        if (state.Completed || state.ServerClosed || !state.Context.RequestAborted.IsCancellationRequested || !state.Record.MarkAborted())
        {
            return;
        }

        Interlocked.Increment(ref _abortedCount);
        RequestAborted?.Invoke(this, state.Record);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        try
        {
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Record what arrived.
        }

        return ms.ToArray();
    }

    private async Task DispatchAsync(RequestState state, byte[] body)
    {
        var ctx = state.Context;
        var method = ctx.Request.Method;
        var path = ctx.Request.Path.Value ?? "/";

        // Authentication runs before routing (AuthenticationMiddleware), so /v1/unknown without a key is 401.
        if (Options.ApiKey is { Length: > 0 } && !HttpMethods.IsOptions(method) && IsGuarded(path) && !IsAuthorized(ctx))
        {
            await WriteJsonAsync(ctx, 401, "{\"error\":\"Unauthorized\"}"u8.ToArray()).ConfigureAwait(false);
            return;
        }

        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            var statusFault = TakeFault(state, k => k is VllmTestFaultKind.TooManyRequests or VllmTestFaultKind.ServiceUnavailable or VllmTestFaultKind.InternalError);
            if (statusFault is not null)
            {
                await WriteStatusFaultAsync(ctx, statusFault).ConfigureAwait(false);
                return;
            }
        }

        var route = path.Length > 1 && path.EndsWith('/') && path == "/metrics/" ? "/metrics" : path;
        switch (route)
        {
            case "/health":
                if (await RequireMethodAsync(ctx, "GET").ConfigureAwait(false))
                {
                    await HealthAsync(state).ConfigureAwait(false);
                }

                return;
            case "/ping":
                if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method))
                {
                    await MethodNotAllowedAsync(ctx).ConfigureAwait(false);
                    return;
                }

                await HealthAsync(state).ConfigureAwait(false);
                return;
            case "/version":
                if (await RequireMethodAsync(ctx, "GET").ConfigureAwait(false))
                {
                    await WriteJsonAsync(ctx, 200, JsonOut.Build(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("version", Options.ServerVersion);
                        w.WriteEndObject();
                    })).ConfigureAwait(false);
                }

                return;
            case "/load":
                if (await RequireMethodAsync(ctx, "GET").ConfigureAwait(false))
                {
                    await WriteJsonAsync(ctx, 200, JsonOut.Build(w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("server_load", Math.Max(0, InFlightRequestCount - 1));
                        w.WriteEndObject();
                    })).ConfigureAwait(false);
                }

                return;
            case "/metrics":
                if (await RequireMethodAsync(ctx, "GET").ConfigureAwait(false))
                {
                    await MetricsAsync(ctx).ConfigureAwait(false);
                }

                return;
            case "/v1/models":
                if (await RequireMethodAsync(ctx, "GET").ConfigureAwait(false))
                {
                    await ModelsAsync(ctx).ConfigureAwait(false);
                }

                return;
            case "/v1/chat/completions":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await ChatAsync(state, ParseBody(body)).ConfigureAwait(false);
                }

                return;
            case "/v1/embeddings":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await EmbeddingsAsync(state, ParseBody(body)).ConfigureAwait(false);
                }

                return;
            case "/tokenize":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await TokenizeAsync(state, ParseBody(body)).ConfigureAwait(false);
                }

                return;
            case "/detokenize":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await DetokenizeAsync(state, ParseBody(body)).ConfigureAwait(false);
                }

                return;
            case "/rerank" or "/v1/rerank" or "/v2/rerank":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await RerankAsync(state, ParseBody(body), route == "/v2/rerank").ConfigureAwait(false);
                }

                return;
            case "/score" or "/v1/score":
                if (await RequirePostJsonAsync(state).ConfigureAwait(false))
                {
                    await ScoreAsync(state, ParseBody(body)).ConfigureAwait(false);
                }

                return;
            default:
                await WriteJsonAsync(ctx, 404, "{\"detail\":\"Not Found\"}"u8.ToArray()).ConfigureAwait(false);
                return;
        }
    }

    private bool IsGuarded(string path)
    {
        // Python str.startswith on the raw path, exactly like vLLM's GUARDED_PREFIX check.
        if (path.StartsWith("/v1", StringComparison.Ordinal))
        {
            return true;
        }

        if (_version.GuardsV2 && (path.StartsWith("/v2", StringComparison.Ordinal) || path.StartsWith("/inference", StringComparison.Ordinal)))
        {
            return true;
        }

        return _version.GuardsCohere && path.StartsWith("/cohere", StringComparison.Ordinal);
    }

    private bool IsAuthorized(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !string.Equals(header[..space], "bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[(space + 1)..]));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(Options.ApiKey!));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private async Task<bool> RequireMethodAsync(HttpContext ctx, string method)
    {
        if (string.Equals(ctx.Request.Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        await MethodNotAllowedAsync(ctx).ConfigureAwait(false);
        return false;
    }

    private static Task MethodNotAllowedAsync(HttpContext ctx) =>
        WriteJsonAsync(ctx, 405, "{\"detail\":\"Method Not Allowed\"}"u8.ToArray());

    private async Task<bool> RequirePostJsonAsync(RequestState state)
    {
        var ctx = state.Context;
        if (!await RequireMethodAsync(ctx, "POST").ConfigureAwait(false))
        {
            return false;
        }

        var contentType = ctx.Request.ContentType;
        var media = contentType?.Split(';', 2)[0].Trim();
        if (!string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new VllmProblem(400, "Bad Request", "1 validation error:\n  Unsupported Media Type: Only 'application/json' is allowed", null);
        }


        return true;
    }

    private async Task WriteStatusFaultAsync(HttpContext ctx, VllmTestFault fault)
    {
        var seconds = (fault.Parameter ?? 1).ToString(CultureInfo.InvariantCulture);
        switch (fault.Kind)
        {
            case VllmTestFaultKind.TooManyRequests:
                ctx.Response.Headers.RetryAfter = seconds;
                await WriteErrorAsync(ctx, 429, "TooManyRequests", "[test server fault] Too many requests; retry later.", null).ConfigureAwait(false);
                break;
            case VllmTestFaultKind.ServiceUnavailable:
                ctx.Response.Headers.RetryAfter = seconds;
                await WriteJsonAsync(ctx, 503, "{\"error\":\"The model is currently scaling. Please try again later.\"}"u8.ToArray()).ConfigureAwait(false);
                break;
            default:
                await WriteErrorAsync(ctx, 500, "InternalServerError", "Internal server error", null).ConfigureAwait(false);
                break;
        }
    }

    private VllmTestFault? TakeFault(RequestState state, Func<VllmTestFaultKind, bool> applies)
    {
        if (state.HeaderFault is { } hf && applies(hf.Kind) && hf.TryConsume())
        {
            state.Record.Fault = hf.Kind;
            return hf;
        }

        lock (_gate)
        {
            foreach (var f in _faults)
            {
                if (applies(f.Kind) && f.TryConsume())
                {
                    state.Record.Fault = f.Kind;
                    return f;
                }
            }
        }

        return null;
    }

    private async Task HealthAsync(RequestState state)
    {
        var fault = TakeFault(state, k => k == VllmTestFaultKind.HealthLoading);
        state.Context.Response.StatusCode = fault is null ? 200 : 503;
        state.Context.Response.ContentLength = 0;
        await state.Context.Response.CompleteAsync().ConfigureAwait(false);
    }

    private System.Text.Json.Nodes.JsonObject ParseBody(byte[] body)
    {
        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new VllmProblem(400, "Bad Request",
                "1 validation error:\n  {'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': 'Expecting value'}}",
                "body.0");
        }

        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            return obj;
        }

        throw VllmProblem.Validation("model_attributes_type", new[] { "body" },
            "Input should be a valid dictionary or object to extract fields from", PyText.Repr(node));
    }

    private Task WriteErrorAsync(HttpContext ctx, int status, string type, string message, string? param) =>
        WriteJsonAsync(ctx, status, JsonOut.Build(w => JsonOut.WriteError(w, _version, status, type, message, param)));

    private static async Task WriteJsonAsync(HttpContext ctx, int status, byte[] json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = json.Length;
        await ctx.Response.Body.WriteAsync(json, ctx.RequestAborted).ConfigureAwait(false);
    }

    private string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes[..(_version.IdHexLength / 2)]).ToLowerInvariant();
    }

    private string RequestId(HttpContext ctx, string? bodyRequestId)
    {
        var header = ctx.Request.Headers["X-Request-Id"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        return string.IsNullOrEmpty(bodyRequestId) ? NewId() : bodyRequestId;
    }

    private string? Fingerprint => _version.HasFingerprint ? $"vllm-{Options.ServerVersion}-{_fingerprintHash}" : null;

    private sealed class RequestState
    {
        public RequestState(VllmTestServer server, HttpContext context, RecordedRequest record, VllmTestFault? headerFault)
        {
            Server = server;
            Context = context;
            Record = record;
            HeaderFault = headerFault;
        }

        public HttpContext Context { get; }

        public RecordedRequest Record { get; }

        public VllmTestFault? HeaderFault { get; }

        public VllmTestServer Server { get; }

        public volatile bool Completed;

        public volatile bool ServerClosed;
    }
}
