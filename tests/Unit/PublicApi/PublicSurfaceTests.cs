using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Connectors.Vllm.Tests.Unit.PublicApi;

/// <summary>
/// The public surface is what gets frozen (PublicAPI.Shipped.txt): what users never type stays internal, and the vLLM
/// extras of each MEAI options type are reached one way, through one static class of extension methods.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Discovery = typeof(VllmModelDiscovery).Assembly;
    private static readonly Assembly Product = typeof(VllmChatClient).Assembly;

    [Theory]
    [InlineData(typeof(VllmServerInfo))]
    [InlineData(typeof(VllmHealthReport))]
    [InlineData(typeof(VllmRerankResult))]
    [InlineData(typeof(VllmRerankedDocument))]
    [InlineData(typeof(VllmTokenizeResult))]
    [InlineData(typeof(VllmTokenBudgetResult))]
    public void ResultType_CreatedByTheLibrary_HasNoPublicConstructor(Type type)
    {
        Assert.Empty(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Theory]
    [InlineData(typeof(VllmModelDiscovery), "TryGetCachedChatClientMetadata")]
    [InlineData(typeof(VllmModelDiscovery), "TryGetCachedModels")]
    [InlineData(typeof(VllmModelDiscovery), "TryGetCachedServerInfo")]
    [InlineData(typeof(VllmModelDiscovery), "UsesConfiguredModels")]
    [InlineData(typeof(VllmModelDiscovery), "FindModel")]
    [InlineData(typeof(VllmChatOptionsExtensions), "FieldNames")]
    [InlineData(typeof(VllmTokenBudgetChatReducer), "ClampsMaxOutputTokens")]
    [InlineData(typeof(VllmStructuredOutputs), "DisableAnyWhitespace")]
    [InlineData(typeof(VllmStructuredOutputs), "DisableAdditionalProperties")]
    [InlineData(typeof(VllmStructuredOutputs), "WhitespacePattern")]
    public void MemberUsersNeverType_IsNotPublic(Type type, string member)
    {
        Assert.Empty(type.GetMember(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static));
    }

    [Theory]
    [InlineData(typeof(VllmProviderOptions))]
    [InlineData(typeof(VllmChatClient))]
    public void Package_OpensItsInternalsToNoOtherPackage(Type typeInPackage)
    {
        // Both packages compile src/Shared as their own internals; only their unit tests may see internals.
        var friends = typeInPackage.Assembly.GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName);

        Assert.All(friends, name => Assert.EndsWith(".Tests.Unit", name, StringComparison.Ordinal));
    }

    [Fact]
    public void HealthCheck_ReachedThroughAddVllm_NoPublicImplementation()
    {
        Assert.DoesNotContain(Discovery.GetExportedTypes(), t => typeof(IHealthCheck).IsAssignableFrom(t));
    }

    [Theory]
    [InlineData(typeof(ChatOptions))]
    [InlineData(typeof(EmbeddingGenerationOptions))]
    public void OptionsExtras_OneStaticClassPerOptionsType(Type optionsType)
    {
        var classes = Product.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed)
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Any(m => m.IsDefined(typeof(ExtensionAttribute)) && m.GetParameters()[0].ParameterType == optionsType))
            .ToList();

        Assert.Single(classes);
    }

    [Fact]
    public void StaticClasses_NoneHoldsOnlyNames_ThatTheTypedHelpersAlreadySay()
    {
        var namesOnly = Product.GetExportedTypes().Concat(Discovery.GetExportedTypes())
            .Where(t => t.IsAbstract && t.IsSealed)
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).Length == 0)
            .Select(t => t.Name);

        Assert.Empty(namesOnly);
    }
}
