using System.Text.Json;
using Connectors.Vllm.Tests.Integration.Evaluation;
using Xunit;

namespace Connectors.Vllm.Tests.Integration.EvaluatorChecks;

/// <summary>The schema validator the structured-output and tool-call evaluators rely on: it must reject what does not conform.</summary>
public sealed class JsonSchemaSubsetTests
{
    private const string Schema = """
        {"type":"object","properties":{
          "name":{"type":"string"},"count":{"type":"integer"},
          "size":{"type":"string","enum":["small","large"]},
          "tags":{"type":"array","items":{"type":"string"}}},
         "required":["name","count"],"additionalProperties":false}
        """;

    [Theory]
    [InlineData("""{"name":"a","count":1}""")]
    [InlineData("""{"name":"a","count":2.0,"size":"large","tags":["x","y"]}""")]
    public void Validate_ConformingInstance_NoErrors(string instance)
    {
        Assert.Empty(Validate(instance));
    }

    [Theory]
    [InlineData("""{"name":"a"}""", "$: the required property 'count' is missing")]
    [InlineData("""{"name":"a","count":1.5}""", "$.count: expected integer, got number")]
    [InlineData("""{"name":7,"count":1}""", "$.name: expected string, got number")]
    [InlineData("""{"name":"a","count":1,"size":"medium"}""", "$.size: \"medium\" is not one of [\"small\",\"large\"]")]
    [InlineData("""{"name":"a","count":1,"tags":["x",3]}""", "$.tags[1]: expected string, got number")]
    [InlineData("""{"name":"a","count":1,"extra":true}""", "$: the property 'extra' is not allowed")]
    [InlineData("""[1]""", "$: expected object, got array")]
    public void Validate_NonConformingInstance_ReportsPathAndReason(string instance, string expected)
    {
        Assert.Contains(expected, Validate(instance));
    }

    private static System.Collections.Generic.IReadOnlyList<string> Validate(string instance)
    {
        using var schema = JsonDocument.Parse(Schema);
        using var value = JsonDocument.Parse(instance);
        return JsonSchemaSubset.Validate(schema.RootElement, value.RootElement);
    }
}
