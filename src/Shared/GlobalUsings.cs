// The namespaces every package that compiles src/Shared imports in every file (ImplicitUsings is off repository-wide,
// so they are listed here once). This file is shared source: it is compiled into Connectors.Vllm.Discovery and
// Connectors.Vllm with the rest of src/Shared, so the shared files compile the same in both.
// - the BCL namespaces nearly every file uses;
// - the shared core's own namespaces (the folders of src/Shared: configuration, logging, errors, the HTTP layer), the
//   System.ClientModel pipeline every request goes through, and Microsoft.Extensions.Logging, which the core logs
//   through: the core is what both packages are built on.
// A namespace only some files need (the package's other folders, the SDKs) stays a using of the file that needs it.
global using System;
global using System.ClientModel;
global using System.ClientModel.Primitives;
global using System.Collections.Generic;
global using System.Globalization;
global using System.Net.Http;
global using System.Text.Json;
global using System.Threading;
global using System.Threading.Tasks;
global using Connectors.Vllm.Configuration;
global using Connectors.Vllm.Diagnostics;
global using Connectors.Vllm.Errors;
global using Connectors.Vllm.Http;
global using Microsoft.Extensions.Logging;
