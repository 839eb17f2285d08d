#!/usr/bin/env bash
# Soak/load run (not CI): 10,000 requests at 64 concurrent, mixed non-streamed chat, streamed chat and embeddings,
# against the in-process vLLM test server. After every 10 % of the calls it samples the managed heap after a full GC
# (by generation) and the open sockets, and prints a markdown table of the figures (docs/reliability.md). Exits
# non-zero on an unexpected error, a heap that fails the rule (every sample from 50 % to 100 % within 10 % of the
# 50 % sample: the first half is warm-up; the report adds the 10 % -> 50 % warm-up growth, the 50 % -> 100 % change
# and a least-squares slope in bytes per 1,000 calls), or sockets not back to baseline.
#   scripts/soak.sh [--requests N] [--concurrency C]
# Chaos soak through an emulated router (VllmTestRouter, three backends failing at random: 503/429 bursts, streams
# killed mid-way, stalls, "no live engine" answers, a backend restart at 50 %): every call must end whole or in a
# typed VllmException within 120 s; the heap rule as above, sockets back to baseline. The router and backends run in
# a child process by default (this dll with --router-host, driven over stdin/stdout), so that heap and sockets are
# the client's own; --servers-in-process runs them in the soak's process for comparison. Each 100,000-call run takes
# about a minute on 2 cores:
#   scripts/soak.sh --router [--requests 100000] [--concurrency 512] [--router-mode ProductionStack|LlmD|VllmRouter|KServe]
#                            [--servers-out-of-process | --servers-in-process]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release tests/Soak/Connectors.Vllm.Soak.csproj -v q -nologo >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
status=0
dotnet tests/Soak/bin/Release/net10.0/Connectors.Vllm.Soak.dll "$@" || status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); exit code $status" >&2
exit "$status"
