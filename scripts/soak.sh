#!/usr/bin/env bash
# Soak/load run (not CI): 10,000 requests at 64 concurrent, mixed non-streamed chat, streamed chat and embeddings,
# against the in-process vLLM test server. Prints a markdown table of the figures (docs/reliability.md) and exits
# non-zero on an unexpected error, a heap that grew more than 10 % between the 10 % and 100 % samples, or sockets
# not back to baseline.
#   scripts/soak.sh [--requests N] [--concurrency C]
# Chaos soak through an emulated router (VllmTestRouter, three backends failing at random: 503/429 bursts, streams
# killed mid-way, stalls, "no live engine" answers, a backend restart): every call must end whole or in a typed
# VllmException within 120 s; heap and sockets must end flat. For a quiet machine (the defaults take a while):
#   scripts/soak.sh --router [--requests 100000] [--concurrency 512] [--router-mode ProductionStack|LlmD|VllmRouter|KServe]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release tests/Soak/Connectors.Vllm.Soak.csproj -v q -nologo >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
exec dotnet tests/Soak/bin/Release/net10.0/Connectors.Vllm.Soak.dll "$@"
