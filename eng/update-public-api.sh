#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and removes lines reported as gone (RS0017). Review the diff afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in src/*/; do
  name=$(basename "$proj")
  out=$(dotnet build "$proj$name.csproj" -nologo -v q -p:TreatWarningsAsErrors=false 2>&1 || true)
  echo "$out" | grep -oE "RS0016: Symbol '[^']+'" | sed -E "s/RS0016: Symbol '(.*)'/\1/" | sort -u > /tmp/rs0016.txt || true
  if [ -s /tmp/rs0016.txt ]; then
    cat /tmp/rs0016.txt >> "$proj/PublicAPI.Unshipped.txt"
    { head -n 1 "$proj/PublicAPI.Unshipped.txt"; tail -n +2 "$proj/PublicAPI.Unshipped.txt" | sort -u; } > /tmp/api.txt
    mv /tmp/api.txt "$proj/PublicAPI.Unshipped.txt"
    echo "$name: added $(wc -l < /tmp/rs0016.txt) symbols"
  fi
  echo "$out" | grep -oE "RS0017: Symbol '[^']+'" | sed -E "s/RS0017: Symbol '(.*)'/\1/" | sort -u > /tmp/rs0017.txt || true
  if [ -s /tmp/rs0017.txt ]; then
    grep -vxF -f /tmp/rs0017.txt "$proj/PublicAPI.Unshipped.txt" > /tmp/api.txt || true
    mv /tmp/api.txt "$proj/PublicAPI.Unshipped.txt"
    echo "$name: removed $(wc -l < /tmp/rs0017.txt) symbols"
  fi
done
