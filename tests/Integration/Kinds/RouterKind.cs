using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// Two in-process test servers (strict, current vLLM) behind <see cref="VllmTestRouter"/>, so the whole suite also runs
/// through a router: production-stack with session routing on <c>x-user-id</c> by default, or the engine named by
/// <c>VLLM_TEST_ROUTER_MODE</c> (<c>ProductionStack</c>, <c>LlmD</c>, <c>VllmRouter</c>, <c>KServe</c>). Always runs;
/// binds 127.0.0.1 only. Requests spread over the two backends, so scenarios that read one server's log do not run.
/// </summary>
public sealed class RouterKind : ServerKind
{
    private readonly List<VllmTestServer> _backends = [];
    private VllmTestRouter? _router;
    private VllmTestRouterMode _mode = VllmTestRouterMode.ProductionStack;

    /// <inheritdoc />
    public override string Name => "router-" + _mode.ToString().ToLowerInvariant();

    /// <inheritdoc />
    protected override async Task StartAsync()
    {
        if (EnvironmentServerKind.Env("VLLM_TEST_ROUTER_MODE") is { } mode && !Enum.TryParse(mode, ignoreCase: true, out _mode))
        {
            StartupError = $"VLLM_TEST_ROUTER_MODE '{mode}' is not one of {string.Join(", ", Enum.GetNames<VllmTestRouterMode>())}.";
            return;
        }

        var key = TestServerKind.NewKey();
        for (var i = 0; i < 2; i++)
        {
            _backends.Add(await VllmTestServer.StartAsync(TestServerKind.ServerOptions("0.27.1", key)).ConfigureAwait(false));
        }

        _router = await VllmTestRouter.StartAsync(_backends, new VllmTestRouterOptions { Mode = _mode, SessionKey = "x-user-id" }).ConfigureAwait(false);
        Options = new VllmProviderOptions { BaseUrl = _router.BaseUrl, ApiKey = key, AllowPrivateNetwork = true };
        EmbeddingOptions = Options;
        ChatModel = TestServerKind.ChatModelId;
        ReasoningModel = TestServerKind.ReasoningModelId;
        EmbeddingModel = TestServerKind.EmbeddingModelId;
        EmbeddingDimensions = 64;
        Capabilities = ServerCapabilities.Vllm with
        {
            Tools = true,
            EnforcesApiKey = true,
            EmbeddingDimensions = true,

            // production-stack answers /version with its own package version and /v1/models from its own discovery
            // (no client key checked); KServe serves the OpenAI routes only (no /version, no /tokenize) and lists its
            // models itself, without max_model_len.
            VersionEndpoint = _mode is VllmTestRouterMode.LlmD or VllmTestRouterMode.VllmRouter,
            ModelsCheckApiKey = _mode is VllmTestRouterMode.LlmD or VllmTestRouterMode.VllmRouter,
            Tokenizer = _mode is not VllmTestRouterMode.KServe,
            ContextWindowInModels = _mode is not VllmTestRouterMode.KServe,
        };
        ExpectedVersion = Capabilities.VersionEndpoint ? "0.27.1" : null;
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        if (_router is not null)
        {
            await _router.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
    }
}
