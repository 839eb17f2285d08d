using System.Collections.Generic;

namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>A request as <see cref="RawHttpServer"/> read it off the socket.</summary>
/// <param name="Method">The method.</param>
/// <param name="Target">The request target (path and query).</param>
/// <param name="Headers">Header lines, names lower-cased.</param>
internal sealed record RawRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers);
