#!/usr/bin/env bash
# Sandbox benchmark (issue #2): rollout latency, memory for 1,000 Deployments, and the real kubectl's
# set image + rollout status on the same sandbox. Prints a table. Options go to the program, e.g.
#   bench/sandbox/run.sh --runs 50 --deployments 1000 --kubectl-runs 15
# Run it on a quiet machine when the numbers matter; the header shows the load average it ran under.
# It measures under workstation GC, as the hoist-sandbox executable runs; DOTNET_gcServer=1 bench/sandbox/run.sh
# --only b shows the footprint inside the server (server GC). DOTNET_GCHeapHardLimit=0xC800000 (200 MB) measured
# 252 MB after GC and a 277 MB peak.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -nologo -clp:ErrorsOnly -v quiet . >&2
exec dotnet bin/Release/net10.0/hoist-sandbox-bench.dll "$@"
