using System.Text.Json;
using System.Threading.Tasks;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Microsoft.Extensions.AI;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.Scenarios;

/// <content>Structured output against a JSON schema.</content>
public abstract partial class VllmIntegrationTests
{
    private static readonly JsonElement CitySchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "name": { "type": "string" },
            "country": { "type": "string" },
            "population_millions": { "type": "number" },
            "size": { "type": "string", "enum": ["small", "medium", "large"] },
            "landmarks": { "type": "array", "items": { "type": "string" } }
          },
          "required": ["name", "country", "population_millions", "size", "landmarks"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    [Fact]
    public Task GetResponseAsync_JsonSchemaFormat_AnswerConformsToSchema() => StructuredOutputAsync(streaming: false);

    [Fact]
    public Task GetStreamingResponseAsync_JsonSchemaFormat_AnswerConformsToSchema() => StructuredOutputAsync(streaming: true);

    private async Task StructuredOutputAsync(bool streaming)
    {
        Require(Kind.Capabilities.StructuredOutput, "the server does not enforce response_format json_schema.");
        using var client = CreateChatClient();
        var options = ShortAnswer(256);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(CitySchema, "city", "Facts about a city.");
        var messages = Ask("Describe Paris as JSON: its name, country, population in millions, size and two landmarks.");

        var response = streaming
            ? (await StreamAsync(client, messages, options)).Response
            : await client.GetResponseAsync(messages, options, Ct);

        var result = await new StructuredOutputEvaluator().EvaluateAsync(messages, response, additionalContext: [new JsonSchemaExpectation(CitySchema)], cancellationToken: Ct);
        Kind.Evaluations.RecordAndAssert(streaming ? "structured-output-streaming" : "structured-output", result);
    }
}
