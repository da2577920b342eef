#!/usr/bin/env bash
# CLI start-up, side by side with kubectl (issue #5 "Must show"):
#   1. `hoist --version` as Native AOT (what `dotnet tool install Hoist.Cli` installs on linux-x64), as a JIT build
#      (the framework-dependent "any" fallback package), against `kubectl version --client`;
#   2. when a Hoist server and its sandbox are up (source DIR/demo.env from `hoist-server demo`): a deploy whose
#      image is already running, `hoist deploy` against `kubectl set image` + `kubectl rollout status`.
# Usage: bench/cli/startup.sh [runs]        (installs hyperfine, and clang for Native AOT, with apt-get if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-30}
out=${BENCH_OUTPUT:-$PWD/bench/cli/results}
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DEBIAN_FRONTEND=noninteractive

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v clang >/dev/null || need+=(clang lld zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }
fi

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
echo "bench: publishing hoist (JIT and Native AOT)" >&2
dotnet publish src/Hoist.Cli -c Release -p:PublishAot=false -o "$build/jit" -nologo -clp:ErrorsOnly >&2
dotnet publish src/Hoist.Cli -c Release -r linux-x64 -o "$build/aot" -nologo -clp:ErrorsOnly >&2

commands=("$build/aot/hoist --version" "$build/jit/hoist --version")
names=("hoist --version (Native AOT)" "hoist --version (JIT)")
if command -v kubectl >/dev/null; then
  commands+=("kubectl version --client")
  names+=("kubectl version --client")
fi
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/version.md" --export-json "$out/version.json" "${args[@]}"

# A deploy whose image is unchanged: a full round trip (request, validation, no-op verdict) with nothing to wait for.
if [ -n "${HOIST_SERVER:-}" ] && [ -n "${CD_MANIFEST_NAME:-}" ] && [ -n "${KUBECONFIG:-}" ]; then
  ns=${CD_NAMESPACE_NAME:-default}
  kind=$(printf '%s' "${CD_MANIFEST_TYPE:-Deployment}" | tr '[:upper:]' '[:lower:]')
  image=$(kubectl -n "$ns" get "$kind/$CD_MANIFEST_NAME" -o jsonpath="{.spec.template.spec.containers[?(@.name=='$CD_CONTAINER_NAME')].image}")
  echo "bench: unchanged deploy of $image to $kind/$CD_MANIFEST_NAME" >&2
  hyperfine -N --warmup 2 --runs "$((runs < 20 ? runs : 20))" --export-markdown "$out/unchanged-deploy.md" \
    -n "hoist deploy (Native AOT, image unchanged)" "$build/aot/hoist deploy --image $image" \
    -n "kubectl set image + rollout status" \
    "sh -c 'kubectl -n $ns set image $kind/$CD_MANIFEST_NAME $CD_CONTAINER_NAME=$image >/dev/null && kubectl -n $ns rollout status $kind/$CD_MANIFEST_NAME >/dev/null'"
else
  echo "bench: skipped the unchanged-deploy comparison (source demo.env from the Hoist demo to run it)" >&2
fi

echo
echo "Results (also in $out):"
cat "$out"/*.md
