#!/usr/bin/env bash
# Release engine benchmark (issue #3): how long after the sandbox finishes a rollout Hoist gives its verdict,
# and how many cluster requests one release costs. Options go to the program, e.g.
#   bench/engine/run.sh --runs 100 --replicas 3
# Run it on a quiet machine when the numbers matter; the header shows the load average it ran under.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -nologo -clp:ErrorsOnly -v quiet . >&2
exec dotnet bin/Release/net10.0/hoist-engine-bench.dll "$@"
