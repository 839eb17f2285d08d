using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Connectors.Vllm.Testing;
using Xunit;
using static Connectors.Vllm.Tests.Unit.Testing.TestServerHttp;

namespace Connectors.Vllm.Tests.Unit.Testing.Router;

public sealed class VllmTestRouterErrorTests
{
    private static Action<HttpRequestMessage> Fault(string value) => r => r.Headers.Add(VllmTestRouterFault.HeaderName, value);

    private static async Task<(int Status, string? ContentType, string Body, string? Reason)> AnswerAsync(HttpResponseMessage response) =>
        ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Ct),
            response.Headers.TryGetValues("x-llm-d-request-dropped-reason", out var r) ? r.Single() : null);

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, "overloaded", 503, "application/json", """{"error":"Model 'test-model' is temporarily unavailable. Please try again later."}""", null)]
    [InlineData(VllmTestRouterMode.ProductionStack, "no-backend", 503, "application/json", """{"error":"Model 'test-model' is temporarily unavailable. Please try again later."}""", null)]
    [InlineData(VllmTestRouterMode.LlmD, "overloaded", 429, "text/plain", "inference error: ResourceExhausted - request rejected by flow control", "rejected-saturated")]
    [InlineData(VllmTestRouterMode.LlmD, "queue-timeout", 429, "text/plain", "inference error: ResourceExhausted - request timed out in queue: ttl expired", "rejected-ttl-expired")]
    [InlineData(VllmTestRouterMode.LlmD, "no-backend", 503, "text/plain", "inference error: ServiceUnavailable - no endpoints available: request rejected by flow control", "rejected-no-endpoints")]
    [InlineData(VllmTestRouterMode.LlmD, "evicted", 429, "text/plain", "request evicted by flow control", "evicted")]
    [InlineData(VllmTestRouterMode.VllmRouter, "overloaded", 429, null, "", null)]
    [InlineData(VllmTestRouterMode.VllmRouter, "queue-timeout", 408, null, "", null)]
    [InlineData(VllmTestRouterMode.VllmRouter, "no-backend", 503, "text/plain", "No available workers (all circuits open or unhealthy)", null)]
    [InlineData(VllmTestRouterMode.KServe, "no-backend", 503, "application/json", """{"error":"Model with name test-model is not ready."}""", null)]
    public async Task Fault_Header_AnswersInTheEnginesShapeWithoutForwarding(VllmTestRouterMode mode, string fault, int status, string? type, string body, string? reason)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"), Fault(fault));

        Assert.Equal((status, type, body, reason), await AnswerAsync(response));
        Assert.All(bed.Backends, b => Assert.Empty(b.Requests));
        Assert.Null(bed.Router.Requests.Single().Backend);
        Assert.Equal(VllmTestRouterFault.TryParse(fault, out var f) ? f!.Kind : null, bed.Router.Requests.Single().Fault);
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, 503, """{"error":"Model 'test-model' is temporarily unavailable. Please try again later."}""")]
    [InlineData(VllmTestRouterMode.LlmD, 503, "inference error: ServiceUnavailable - no endpoints available: request rejected by flow control")]
    [InlineData(VllmTestRouterMode.VllmRouter, 503, "No available workers (all circuits open or unhealthy)")]
    [InlineData(VllmTestRouterMode.KServe, 503, """{"error":"Model with name test-model is not ready."}""")]
    public async Task Forward_EveryBackendDown_NoLiveEngineAnswer(VllmTestRouterMode mode, int status, string body)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);
        bed.Router.SetBackendAvailable(0, false);
        bed.Router.SetBackendAvailable(1, false);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));

        Assert.Equal((status, body), ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
    }

    [Theory]
    [InlineData(VllmTestRouterMode.ProductionStack, """{"error":"Model 'nope' not found. Available models can be listed at /v1/models."}""")]
    [InlineData(VllmTestRouterMode.KServe, """{"error":"Model with name nope does not exist."}""")]
    public async Task Forward_UnknownModel_RouterAnswers404ItsWay(VllmTestRouterMode mode, string body)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi", model: "nope"));

        Assert.Equal((404, body), ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
        Assert.All(bed.Backends, b => Assert.Empty(b.Requests));
    }

    [Theory]
    [InlineData(VllmTestRouterMode.LlmD)]
    [InlineData(VllmTestRouterMode.VllmRouter)]
    public async Task Forward_UnknownModel_VllmsOwn404PassesThrough(VllmTestRouterMode mode)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi", model: "nope"));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("The model `nope` does not exist.", Str((await JsonAsync(response))["error"]!["message"]));
    }

    [Theory]
    [InlineData("""{"messages":[]}""", "Invalid request: missing 'model' in request body.")]
    [InlineData("[1]", "Invalid request: request body must be a JSON object.")]
    [InlineData("{not json", "Invalid request: request body must be valid JSON.")]
    public async Task Forward_ProductionStackBadBody_400WithStringError(string body, string message)
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.ProductionStack);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(message, Str((await JsonAsync(response))["error"]));
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/tokenize")]
    public async Task Forward_KServePathOutsideOpenAiPrefix_FastApi404(string path)
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe);

        using var response = await PostJsonAsync(bed.Http, path, Chat("hi"));

        Assert.Equal((404, """{"detail":"Not Found"}"""), ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
    }

    [Theory]
    [InlineData(VllmTestRouterMode.KServe, "overloaded")]
    [InlineData(VllmTestRouterMode.VllmRouter, "evicted")]
    [InlineData(VllmTestRouterMode.ProductionStack, "queue-timeout")]
    [InlineData(VllmTestRouterMode.LlmD, "overloadd")]
    public async Task Fault_HeaderTheEngineNeverAnswers_400NamingIt(VllmTestRouterMode mode, string fault)
    {
        await using var bed = await RouterTestBed.StartAsync(mode);

        using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"), Fault(fault));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains($"'{fault}' is not an answer {mode} gives", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFault_KindTheEngineNeverAnswers_Throws()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.KServe, backends: 1);

        var error = Assert.Throws<ArgumentException>(() => bed.Router.AddFault(new VllmTestRouterFault(VllmTestRouterFaultKind.Overloaded)));

        Assert.Equal("fault", error.ParamName);
    }

    [Fact]
    public async Task AddFault_WithTimes_AnswersThatManyThenForwards()
    {
        await using var bed = await RouterTestBed.StartAsync(VllmTestRouterMode.VllmRouter);
        bed.Router.AddFault(new VllmTestRouterFault(VllmTestRouterFaultKind.Overloaded, times: 2));

        var statuses = new int[3];
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostJsonAsync(bed.Http, bed.ChatPath, Chat("hi"));
            statuses[i] = (int)response.StatusCode;
        }

        Assert.Equal([429, 429, 200], statuses);
    }

    [Fact]
    public async Task StartAsync_NoBackend_ThrowsWithParamName()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => VllmTestRouter.StartAsync([], null, Ct));

        Assert.Equal("backends", error.ParamName);
    }
}
