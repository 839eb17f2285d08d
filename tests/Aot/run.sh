#!/usr/bin/env bash
# Native AOT check: publish samples/AotSmoke with PublishAot=true (ILCompiler from NuGet, clang and zlib from the
# system), start the scripted test server in a separate process (AgentDemo serve, on a free loopback port), run the
# native binary against it (chat, streaming with usage, embeddings) and check its output. Exit 0 = the libraries
# work compiled ahead of time. The native toolchain is installed with apt-get when it is missing (needs root or sudo).
# Set AOT_NO_BUILD=1 to use the already-built Debug AgentDemo (what .ci/run does).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vllm-aot.XXXXXX")"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

# 1. The native toolchain: clang as the linker, zlib for the runtime's compression support.
if ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/zlib.h ]; then
  echo "installing clang and zlib1g-dev (apt-get) for the native AOT link step"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "clang/zlib1g-dev missing and not root (no sudo): install them, then rerun"; exit 1; }
    sudo_cmd="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends clang zlib1g-dev >/dev/null
fi

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "unsupported machine $(uname -m) for this check"; exit 1 ;;
esac

# 2. Publish natively; any trim/AOT warning (IL2xxx/IL3xxx) fails the check.
log="$work/publish.log"
if ! dotnet publish "$repo/samples/AotSmoke/AotSmoke.csproj" -c Release -r "$rid" -p:PublishAot=true -o "$work/out" -nologo >"$log" 2>&1; then
  cat "$log"; echo "native AOT publish failed"; exit 1
fi
if grep -E 'warning IL[23][0-9]{3}' "$log"; then
  echo "native AOT publish produced trim/AOT warnings"; exit 1
fi
binary="$work/out/AotSmoke"
[ -x "$binary" ] || { echo "no native binary at $binary"; exit 1; }
if head -c 4 "$binary" | grep -q 'MZ'; then echo "not a native executable"; exit 1; fi
echo "native binary: $(du -h "$binary" | cut -f1)"

# 3. The scripted test server in its own process, on a port the OS picks.
if [ "${AOT_NO_BUILD:-0}" = "1" ]; then
  dotnet "$repo/samples/AgentDemo/bin/Debug/net10.0/AgentDemo.dll" serve --port 0 >"$work/serve.log" 2>&1 &
else
  dotnet run --project "$repo/samples/AgentDemo" -- serve --port 0 >"$work/serve.log" 2>&1 &
fi
server_pid=$!
base_url=""
for _ in $(seq 1 300); do
  base_url="$(grep -oE 'base URL: http://127\.0\.0\.1:[0-9]+/v1' "$work/serve.log" | sed 's/base URL: //' || true)"
  [ -n "$base_url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; echo "test server exited"; exit 1; }
  sleep 0.2
done
[ -n "$base_url" ] || { cat "$work/serve.log"; echo "test server did not start"; exit 1; }

# 4. Run the native binary and check what it printed.
output="$("$binary" "$base_url" test-model test-embedding-model)"
echo "$output"
grep -qx 'non-streaming: \[test-model\] echo: hello from native code' <<<"$output" || { echo "non-streaming answer wrong"; exit 1; }
grep -qE '^usage: [1-9][0-9]*/[1-9][0-9]*$' <<<"$output" || { echo "usage missing"; exit 1; }
grep -qx 'streaming: \[test-model\] echo: hello again' <<<"$output" || { echo "streaming answer wrong"; exit 1; }
grep -qE '^streaming usage: [1-9][0-9]*$' <<<"$output" || { echo "streamed usage missing"; exit 1; }
grep -qx 'embeddings: 2 x 384' <<<"$output" || { echo "embeddings wrong"; exit 1; }
echo "native AOT check passed"
