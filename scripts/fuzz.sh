#!/usr/bin/env bash
# Longer fuzz run of the parser properties (CI runs 400 cases per property).
#   scripts/fuzz.sh [ITERATIONS_PER_PROPERTY]   (default 20000; 7 properties)
# A failure prints the CsCheck seed; reproduce with CsCheck_Seed=<seed>.
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-20000}"
FUZZ_ITERATIONS="$iterations" dotnet test --project tests/Unit.Discovery/Connectors.Vllm.Discovery.Tests.Unit.csproj -- \
  --filter-class "Connectors.Vllm.Tests.Unit.Security.DiscoveryParserFuzzTests"
FUZZ_ITERATIONS="$iterations" dotnet test --project tests/Unit/Connectors.Vllm.Tests.Unit.csproj -- \
  --filter-class "Connectors.Vllm.Tests.Unit.Security.ParserFuzzTests"
