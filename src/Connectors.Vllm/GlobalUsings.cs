// The namespaces most files of Connectors.Vllm use, on top of src/Shared/GlobalUsings.cs (ImplicitUsings is off
// repository-wide, so they are listed here once).
global using Microsoft.Extensions.AI;
