using System.Collections.Generic;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A vLLM server (<c>vllm serve</c> in the <c>vllm/vllm-openai</c> container) in the Aspire application model. Add it
/// with <see cref="VllmResourceBuilderExtensions.AddVllm"/>.
/// </summary>
/// <remarks>
/// <para>Its connection string is <c>Endpoint=http://host:port/v1;Model=&lt;served name&gt;;Key=&lt;key&gt;</c>:
/// <c>Model</c> only when a model was set (<see cref="VllmResourceBuilderExtensions.WithModel"/>), <c>Key</c> only when
/// an API key was set (<see cref="VllmResourceBuilderExtensions.WithApiKey"/>). The same keys are read by
/// Connectors.Vllm.Aspire and by Aspire's OpenAI client integration.</para>
/// <para>Connection properties (injected into a referencing project as <c>{NAME}_HOST</c>, <c>{NAME}_PORT</c>,
/// <c>{NAME}_URI</c>, <c>{NAME}_MODEL</c>): <c>Host</c>, <c>Port</c>, <c>Uri</c> (the OpenAI base URL,
/// <c>http://host:port/v1</c>) and, when set, <c>Model</c>.</para>
/// </remarks>
/// <param name="name">The resource name; also the connection string name of a referencing project.</param>
public sealed class VllmResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "http";
    internal const int DefaultTargetPort = 8000;

    private EndpointReference? _primaryEndpoint;

    /// <summary>Gets the <c>http</c> endpoint the server listens on (container port 8000).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>Gets the model the server loads (<c>--model</c>), or <see langword="null"/> for vLLM's own default.</summary>
    public string? Model { get; internal set; }

    /// <summary>Gets the name the server answers to (<c>--served-model-name</c>), or <see langword="null"/> to use <see cref="Model"/>.</summary>
    public string? ServedModelName { get; internal set; }

    /// <summary>Gets the secret parameter holding the server's API key, or <see langword="null"/> when the server takes no key.</summary>
    public ParameterResource? ApiKeyParameter { get; internal set; }

    /// <summary>Gets the connection string expression: <c>Endpoint=http://host:port/v1</c>, then <c>;Model=</c> and <c>;Key=</c> when set.</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.Append($"Endpoint={UriExpression}");
            if (ClientModelName is { } model)
            {
                builder.Append($";Model={model}");
            }

            if (ApiKeyParameter is { } key)
            {
                builder.Append($";Key={key}");
            }

            return builder.Build();
        }
    }

    /// <summary>The name a client sends as <c>model</c>: the served name, else the model.</summary>
    internal string? ClientModelName => ServedModelName ?? Model;

    /// <summary>The OpenAI base URL of the server: <c>http://host:port/v1</c>.</summary>
    internal ReferenceExpression UriExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Scheme)}://{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/v1");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Uri", UriExpression);
        if (ClientModelName is { } model)
        {
            yield return new("Model", ReferenceExpression.Create($"{model}"));
        }
    }
}
