namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>GET /metrics (and /metrics/, as vLLM mounts it): Prometheus text with vLLM's metric names.</summary>
internal sealed class MetricsRoute(ServerState server) : ServerRoute(server, "GET", "/metrics", "/metrics/")
{
    protected override async Task HandleAsync(RequestState request)
    {
        var sb = new StringBuilder();
        var labels = $"engine=\"0\",model_name=\"{Server.Models[0].Id}\"";
        void Metric(string name, string type, string help, string value, string? extraLabels = null)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            var sample = type == "counter" ? name + "_total" : name;
            sb.Append(sample).Append('{').Append(labels).Append(extraLabels).Append("} ").Append(value).Append('\n');
        }

        Metric("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", PyText.Float(Math.Max(0, Server.InFlight - 1)));
        Metric("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", "0.0");
        Metric("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", "0.0");
        Metric("vllm:prompt_tokens", "counter", "Number of prefill tokens processed.", PyText.Float(Server.PromptTokensTotal));
        Metric("vllm:generation_tokens", "counter", "Number of generation tokens processed.", PyText.Float(Server.GenerationTokensTotal));
        Metric("vllm:request_success", "counter", "Count of successfully processed requests.", PyText.Float(Server.SuccessTotal), ",finished_reason=\"stop\"");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var response = request.Context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, request.Context.RequestAborted).ConfigureAwait(false);
    }
}
