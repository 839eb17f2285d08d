#!/usr/bin/env bash
# Renders docs/reliability.md's fault-matrix table from the matrix test run.
#   scripts/reliability-table.sh            # runs FaultMatrixTests, then prints the markdown table
#   scripts/reliability-table.sh FILE.jsonl # renders an existing run's JSON lines
# Each FaultMatrixTests cell appends one JSON line (fault, surface, outcome, status, serverMessage, hint,
# attempts, nextCall, note); the last line per cell wins.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-}"
if [[ -z "$file" ]]; then
  file="$(mktemp -d)/matrix.jsonl"
  RELIABILITY_MATRIX_FILE="$file" dotnet test --project tests/Unit/Connectors.Vllm.Tests.Unit.csproj -- \
    --filter-class "Connectors.Vllm.Tests.Unit.Reliability.FaultMatrixTests" >&2
fi

jq -s -r '
  def surfaces: ["Chat","StreamingChat","Embeddings","Discovery","Health"];
  def faults: ["DelayFirstToken","StallMidStream","CloseMidStream","NoDone","ErrorEvent","MalformedChunk","OversizedLine",
               "TooManyRequests429","ServiceUnavailable503","InternalError500","ConnectionRefused","DnsFailure",
               "HealthLoading","ServerRestart","KeyRotated","CallerCancel"];
  (map({key: (.fault + "/" + .surface), value: .}) | from_entries) as $cells
  | ([$cells[] | select(.outcome == "n/a") | .note] | unique) as $reasons
  | def cell($c):
      if $c == null then "(not run)"
      elif $c.outcome == "n/a" then "n/a [" + ((($reasons | index($c.note)) + 1) | tostring) + "]"
      else
        ( if $c.outcome == "VllmException" then "VllmException" + (if $c.status then " " + ($c.status|tostring) else "" end)
          elif $c.outcome == "unhealthy report" then "unhealthy report"
          else $c.outcome end )
        + ( [ (if $c.serverMessage then "message" else empty end),
              (if $c.hint then (if $c.outcome == "unhealthy report" then "problem text" else "hint" end) else empty end),
              (if $c.attempts != null and $c.attempts > 1 then ($c.attempts|tostring) + " attempts" else empty end) ]
            | if length > 0 then " (" + join(", ") + ")" else "" end )
        + "; next: " + $c.nextCall
      end;
  "| Fault | " + (surfaces | join(" | ")) + " |",
  "| --- |" + (surfaces | map(" --- |") | join("")),
  (faults[] as $f | "| " + $f + " | " + ([surfaces[] as $s | cell($cells[$f + "/" + $s])] | join(" | ")) + " |"),
  "",
  ($reasons | to_entries[] | "[" + ((.key + 1)|tostring) + "] " + .value)
' "$file"
