#!/usr/bin/env bash
# Packaging check: pack Connectors.Vllm, Connectors.Vllm.Discovery, Connectors.Vllm.Testing,
# Connectors.Vllm.Aspire and Connectors.Vllm.Aspire.Hosting into a local folder feed, then build a fresh console app
# OUTSIDE the repository (its own nuget.config: the local feed + nuget.org, pinned package versions) that references the
# packages, runs a chat (non-streaming and streaming, then through the Aspire client integration on a generic host)
# against the in-process test server, builds an Aspire app model with a vLLM resource, and checks the output. Exit 0 =
# the packages work for someone who did not build them.
# Set PACK_NO_BUILD=1 to pack the already-built Debug output (what .ci/run does).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(grep -oE '<Version>[^<]+' "$repo/Directory.Build.props" | head -n 1 | sed 's/<Version>//')"
work="$(mktemp -d "${TMPDIR:-/tmp}/vllm-pack.XXXXXX")"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
mkdir -p "$feed" "$work/consumer"

pack_args=(-o "$feed" -nologo -v quiet)
if [ "${PACK_NO_BUILD:-0}" = "1" ]; then pack_args+=(--no-build -c Debug); fi
packages=(Connectors.Vllm.Discovery Connectors.Vllm Connectors.Vllm.Testing Connectors.Vllm.Aspire Connectors.Vllm.Aspire.Hosting)
for p in "${packages[@]}"; do
  dotnet pack "$repo/src/$p/$p.csproj" "${pack_args[@]}"
done
for p in "${packages[@]}"; do
  for ext in nupkg snupkg; do
    [ -f "$feed/$p.$version.$ext" ] || { echo "missing $p.$version.$ext"; exit 1; }
  done
  # The package carries its README and license expression.
  # (listings captured first: grep -q closing a pipe early would fail the pipeline under pipefail)
  listing="$(unzip -l "$feed/$p.$version.nupkg")"
  nuspec="$(unzip -p "$feed/$p.$version.nupkg" "$p.nuspec")"
  grep -q ' README.md$' <<<"$listing" || { echo "$p: README.md not packed"; exit 1; }
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || { echo "$p: no license expression"; exit 1; }
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || { echo "$p: no readme in nuspec"; exit 1; }
  # Repository metadata from SourceLink: the commit the package was built from (the URL too, once a remote exists).
  grep -qE '<repository type="git"[^>]* commit="[0-9a-f]{40}"' <<<"$nuspec" || { echo "$p: no repository commit in nuspec"; exit 1; }
  # Public API: the analyzers' baseline exists (every public symbol is listed), and the XML docs ship for each target.
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    head -n 1 "$repo/src/$p/$f" | grep -qx '#nullable enable' || { echo "$p: $f missing or without #nullable enable"; exit 1; }
  done
  for tfm in net8.0 net10.0; do
    grep -q " lib/$tfm/$p.xml$" <<<"$listing" || { echo "$p: lib/$tfm/$p.xml (XML docs) not packed"; exit 1; }
  done
done

cd "$work/consumer"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Connectors.Vllm*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
cat > Consumer.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Connectors.Vllm" Version="[$version]" />
    <PackageReference Include="Connectors.Vllm.Testing" Version="[$version]" />
    <PackageReference Include="Connectors.Vllm.Aspire" Version="[$version]" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.15" />
    <PackageReference Include="Connectors.Vllm.Aspire.Hosting" Version="[$version]" />
  </ItemGroup>
</Project>
XML
cp "$repo/tests/Packaging/Program.cs.txt" Program.cs
# A fresh global packages folder for our packages only would re-download everything; instead make sure a
# stale cached copy of the same version can never be used.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/connectors.vllm" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/connectors.vllm.discovery" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/connectors.vllm.testing" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/connectors.vllm.aspire" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/connectors.vllm.aspire.hosting"
dotnet build -nologo -v quiet -c Release -o out
output="$(dotnet out/Consumer.dll)"
echo "$output"
grep -qx 'non-streaming: \[test-model\] echo: hello from a package' <<<"$output" || { echo "non-streaming answer wrong"; exit 1; }
grep -qx 'streaming: \[test-model\] echo: hello again' <<<"$output" || { echo "streaming answer wrong"; exit 1; }
grep -qE '^usage: [1-9][0-9]*/[1-9][0-9]*$' <<<"$output" || { echo "usage missing"; exit 1; }
grep -qx 'aspire: \[test-model\] echo: hello from aspire' <<<"$output" || { echo "Aspire client answer wrong"; exit 1; }
grep -qxF 'aspire-hosting: Endpoint={vllm.bindings.http.scheme}://{vllm.bindings.http.host}:{vllm.bindings.http.port}/v1;Model=Qwen/Qwen3-0.6B' <<<"$output" || { echo "Aspire hosting connection string wrong"; exit 1; }
echo "packaging check passed"
