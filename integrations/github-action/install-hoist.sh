#!/usr/bin/env bash
# Installs the Hoist.Cli dotnet tool into the runner's temp folder and puts it on PATH for later steps.
set -euo pipefail
dir="${RUNNER_TEMP:-/tmp}/hoist-cli"
version=()
[ -n "${HOIST_VERSION:-}" ] && version=(--version "$HOIST_VERSION")
if ! command -v dotnet >/dev/null; then
  echo "::error title=Hoist deploy::hoist is not on PATH and dotnet is missing; install .NET 10 (actions/setup-dotnet) or hoist itself"
  exit 1
fi
dotnet tool update --tool-path "$dir" Hoist.Cli "${version[@]}"
echo "$dir" >> "$GITHUB_PATH"
"$dir/hoist" --version
