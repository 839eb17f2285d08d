// The namespaces nearly every file of the packaged libraries uses (ImplicitUsings is off repository-wide, so they are
// listed here once). This file is shared source: it is compiled into Connectors.Vllm.Discovery and Connectors.Vllm
// with the rest of src/Shared, so the shared files compile the same in both.
global using System;
global using System.Collections.Generic;
global using System.Globalization;
global using System.Net.Http;
global using System.Text.Json;
global using System.Threading;
global using System.Threading.Tasks;
