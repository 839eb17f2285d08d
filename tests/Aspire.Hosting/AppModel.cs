using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace Connectors.Vllm.Aspire.Hosting.Tests;

/// <summary>Builds an AppHost's app model in memory (no DCP, no container runtime) and reads what a container would get.</summary>
internal static class AppModel
{
    /// <summary>A builder with no dashboard; <paramref name="configuration"/> lands in its configuration (parameters are <c>Parameters:{name}</c>).</summary>
    public static IDistributedApplicationBuilder CreateBuilder(params (string Key, string Value)[] configuration)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });
        foreach (var (key, value) in configuration)
        {
            builder.Configuration[key] = value;
        }

        return builder;
    }

    /// <summary>The container's <c>vllm serve</c> arguments, resolved as at start.</summary>
    public static async Task<IReadOnlyList<string>> ArgsAsync(IResourceWithArgs resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, TestContext.Current.CancellationToken);
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        return args.Select(a => a as string ?? throw new InvalidOperationException($"argument {a} is not a string")).ToList();
    }

    /// <summary>The container's environment, each value resolved (parameters from configuration) as at start.</summary>
    public static async Task<IReadOnlyDictionary<string, string?>> EnvironmentAsync(IResource resource)
    {
        var raw = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, raw, TestContext.Current.CancellationToken);
        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        var resolved = new Dictionary<string, string?>();
        foreach (var (name, value) in raw)
        {
            resolved[name] = value switch
            {
                string text => text,
                IValueProvider provider => await provider.GetValueAsync(TestContext.Current.CancellationToken),
                _ => throw new InvalidOperationException($"{name}: {value.GetType()} is not a value"),
            };
        }

        return resolved;
    }

    /// <summary>The container runtime's arguments (<c>docker run …</c>) the resource adds.</summary>
    public static async Task<IReadOnlyList<string>> RuntimeArgsAsync(ContainerResource resource)
    {
        var args = new List<object>();
        var context = new ContainerRuntimeArgsCallbackContext(args, TestContext.Current.CancellationToken);
        foreach (var annotation in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        return args.Cast<string>().ToList();
    }

    /// <summary>Gives the resource's endpoint an address, as DCP does when the container starts.</summary>
    public static void Allocate(IResourceWithEndpoints resource, string endpointName, string host, int port)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, host, port);
    }
}
