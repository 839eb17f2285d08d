using Aspire.Hosting;

namespace Projects;

/// <summary>What the AppHost SDK generates for <c>&lt;ProjectReference Include="../Api/Api.csproj" /&gt;</c>, so the docs' AppHost code compiles here.</summary>
public sealed class Api : IProjectMetadata
{
    /// <summary>Gets the path of the referenced project.</summary>
    public string ProjectPath => "../Api/Api.csproj";
}
