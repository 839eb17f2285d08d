using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Connectors.Vllm.Tests.Integration.Evaluation;

/// <summary>What <see cref="ToolCallCorrectnessEvaluator"/> checks a conversation against: the tools offered and the one expected.</summary>
internal sealed class ToolCallExpectation : EvaluationContext
{
    public const string ContextName = "Tool call expectation";

    public ToolCallExpectation(string expectedTool, IReadOnlyList<AIFunctionDeclaration> tools)
        : base(ContextName, new TextContent($"expected tool: {expectedTool}; offered: {string.Join(", ", tools.Select(t => t.Name))}"))
    {
        ExpectedTool = expectedTool;
        Tools = tools;
    }

    public string ExpectedTool { get; }

    public IReadOnlyList<AIFunctionDeclaration> Tools { get; }
}
