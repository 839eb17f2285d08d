#!/usr/bin/env bash
# Benchmarks: our client side by side with the peers (stock MEAI, Semantic Kernel's OpenAI connector,
# a raw HttpClient + SseParser + Utf8JsonReader floor) on the same replay server, in one run.
#
#   benchmarks/run.sh --smoke   CI-sized (default): reuses the Debug build CI just made, a short warm-up and
#                               one short iteration per case, small concurrency bursts. Seconds. Never fails
#                               on speed, only when a client cannot run or reads the bytes wrongly.
#   benchmarks/run.sh --full    Release build, BenchmarkDotNet (MemoryDiagnoser) + 64/512-stream bursts of
#                               1,000-chunk streams; writes the report into docs/benchmarks.md.
#   benchmarks/run.sh --interleaved   Release build; chat suites with the clients measured in turn (medians),
#                               steadier on a shared machine; writes its table into docs/benchmarks.md.
#   benchmarks/run.sh --floor   Release build; only the two floor comparisons (small request in-process vs the SDK's
#                               protocol method; streamed chunk vs floor + MEAI update objects), interleaved, 10 s
#                               per suite (--seconds N); prints the table and the ratios; docs/benchmarks.md untouched.
# Every mode ends with "Ours ÷ floor": ours ÷ the SDK protocol floor per request, ours ÷ floor + MEAI update
# objects per chunk, time and allocations, each with its target.
# Extra arguments go to the program (--suites ChatStreamingBenchmarks,..., --no-concurrency, --out FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mode=--smoke
args=()
for a in "$@"; do
  case "$a" in
    --smoke|--full|--interleaved|--floor) mode="$a" ;;
    *) args+=("$a") ;;
  esac
done

project=benchmarks/Connectors.Vllm.Benchmarks/Connectors.Vllm.Benchmarks.csproj
if [ "$mode" = "--full" ]; then
  config=Release
  out=artifacts/benchmarks/results-full.md
elif [ "$mode" = "--interleaved" ]; then
  config=Release
  out=artifacts/benchmarks/results-interleaved.md
elif [ "$mode" = "--floor" ]; then
  config=Release
  out=artifacts/benchmarks/results-floor.md
else
  # Smoke reuses the CI build (Debug; the benchmark assembly itself is always optimized). Its figures are a
  # health check, not a result: src is not JIT-optimized in Debug and each case runs only milliseconds.
  config=${BENCH_CONFIGURATION:-Debug}
  out=artifacts/benchmarks/results-smoke.md
  # Tier up hot methods at once so a short run is not measuring tier-0 code.
  export DOTNET_TC_CallCountingDelayMs=0
fi

dotnet build "$project" -c "$config" -nologo -v q -warnaserror
dll="benchmarks/Connectors.Vllm.Benchmarks/bin/$config/net10.0/Connectors.Vllm.Benchmarks.dll"
if [ "$mode" = "--interleaved" ]; then
  dotnet exec "$dll" --interleaved ChatCompletionBenchmarks,ChatCompletionInProcessBenchmarks,ChatStreamingBenchmarks,ToolCallStreamingBenchmarks,ChatImageInProcessBenchmarks --out "$out" ${args[@]+"${args[@]}"}
  marker=interleaved
elif [ "$mode" = "--floor" ]; then
  # The caller's options first: the program takes the first occurrence of each, so --seconds N overrides the 10.
  dotnet exec "$dll" ${args[@]+"${args[@]}"} --interleaved ChatCompletionInProcessBenchmarks,ChatStreamingBenchmarks --seconds 10 --out "$out"
  marker=none
else
  dotnet exec "$dll" "$mode" --out "$out" --command "benchmarks/run.sh $*" ${args[@]+"${args[@]}"}
  marker=results
fi

if [ "$mode" != "--smoke" ] && [ "$marker" != none ] && [ -f docs/benchmarks.md ]; then
  # Replace the generated section of docs/benchmarks.md with this run's report (figures never typed by hand).
  tmp=$(mktemp)
  awk -v report="$out" -v begin="<!-- $marker:begin -->" -v end="<!-- $marker:end -->" '
    $0 == begin { print; while ((getline line < report) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
  ' docs/benchmarks.md > "$tmp"
  mv "$tmp" docs/benchmarks.md
  echo "docs/benchmarks.md updated from $out"
fi
