using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>The JSON schema a structured answer must conform to (see <see cref="StructuredOutputEvaluator"/>).</summary>
internal sealed class JsonSchemaExpectation : EvaluationContext
{
    public const string ContextName = "JSON schema";

    public JsonSchemaExpectation(JsonElement schema)
        : base(ContextName, new TextContent(schema.GetRawText()))
    {
        Schema = schema;
    }

    public JsonElement Schema { get; }
}
