using System.Collections.Generic;
using System.Linq;

namespace Connectors.Vllm.Tests.Integration.Kinds;

/// <summary>
/// What a server kind can be asked to do. A scenario whose capability is missing skips with the reason, so a run
/// against SGLang, TGI, llama.cpp or LM Studio shows which vLLM features it lacks instead of failing on them.
/// </summary>
internal sealed record ServerCapabilities
{
    /// <summary>The final streaming chunk carries usage (<c>stream_options.include_usage</c>).</summary>
    public bool StreamUsage { get; init; } = true;

    /// <summary>Tool calls with <c>tool_choice: auto</c> (vLLM: <c>--enable-auto-tool-choice --tool-call-parser</c>).</summary>
    public bool Tools { get; init; }

    /// <summary><c>response_format: json_schema</c> is enforced.</summary>
    public bool StructuredOutput { get; init; } = true;

    /// <summary>vLLM sampling extras <c>top_k</c> and <c>min_p</c> are accepted.</summary>
    public bool TopKMinP { get; init; } = true;

    /// <summary>The same request with the same <c>seed</c> gives the same text.</summary>
    public bool SeedReproducible { get; init; } = true;

    /// <summary><c>/tokenize</c> in vLLM's shape (counts tokens through the chat template).</summary>
    public bool Tokenizer { get; init; } = true;

    /// <summary><c>/v1/models</c> cards carry <c>max_model_len</c>.</summary>
    public bool ContextWindowInModels { get; init; } = true;

    /// <summary><c>GET /version</c> answers vLLM's <c>{"version": …}</c>.</summary>
    public bool VersionEndpoint { get; init; } = true;

    /// <summary>Errors come back in vLLM's shape: unknown model 404 <c>NotFoundError</c>, context overflow 400 "maximum context length".</summary>
    public bool VllmErrors { get; init; } = true;

    /// <summary>The server refuses a wrong API key with 401.</summary>
    public bool EnforcesApiKey { get; init; }

    /// <summary>Chat answers carry per-token <c>logprobs</c> in the OpenAI shape when asked.</summary>
    public bool Logprobs { get; init; } = true;

    /// <summary><c>/v1/models</c> checks the client's key too (production-stack answers it from its own discovery, unchecked).</summary>
    public bool ModelsCheckApiKey { get; init; } = true;

    /// <summary>Embeddings accept <c>dimensions</c> (a Matryoshka model).</summary>
    public bool EmbeddingDimensions { get; init; }

    /// <summary>The names of the capabilities that are on, for the evaluation file.</summary>
    public string Describe() => string.Join(", ", new (bool On, string Name)[]
    {
        (StreamUsage, "stream-usage"), (Tools, "tools"), (StructuredOutput, "structured-output"), (TopKMinP, "top_k/min_p"),
        (SeedReproducible, "seed"), (Tokenizer, "tokenize"), (ContextWindowInModels, "max_model_len"), (VersionEndpoint, "version"),
        (VllmErrors, "vllm-errors"), (EnforcesApiKey, "api-key"), (EmbeddingDimensions, "embedding-dimensions"), (Logprobs, "logprobs"),
    }.Where(c => c.On).Select(c => c.Name));

    /// <summary>vLLM itself (any build).</summary>
    public static ServerCapabilities Vllm { get; } = new();

    /// <summary>The capabilities of a server named by <c>VLLM_SERVER_KIND</c>; unknown kinds get the most careful set.</summary>
    public static ServerCapabilities ForServerKind(string kind) => kind switch
    {
        "vllm" => Vllm,
        "sglang" => Vllm with { Tokenizer = false, ContextWindowInModels = false, VersionEndpoint = false, VllmErrors = false, SeedReproducible = false },
        "tgi" => Vllm with { Logprobs = false, TopKMinP = false, StructuredOutput = false, Tokenizer = false, ContextWindowInModels = false, VersionEndpoint = false, VllmErrors = false },
        "llamacpp" => Vllm with { Tokenizer = false, ContextWindowInModels = false, VersionEndpoint = false, VllmErrors = false },
        "lmstudio" => Vllm with { TopKMinP = false, Tokenizer = false, ContextWindowInModels = false, VersionEndpoint = false, VllmErrors = false, SeedReproducible = false },
        _ => Vllm with { Logprobs = false, TopKMinP = false, StructuredOutput = false, SeedReproducible = false, Tokenizer = false, ContextWindowInModels = false, VersionEndpoint = false, VllmErrors = false },
    };
}
