#!/usr/bin/env bash
# Sandbox benchmark (issue #2): (a) rollout latency, (b) memory for 1,000 Deployments in-process after a full GC,
# (c) the real kubectl's set image + rollout status on the same sandbox, (d) the hoist-sandbox executable's resident
# memory (VmRSS, peak VmHWM) with 1,000 Deployments created over HTTP. Prints a table. Options go to the program, e.g.
#   bench/sandbox/run.sh --runs 50 --deployments 1000 --kubectl-runs 15 --only a,b,c,d
# Run it on a quiet machine when the numbers matter; the header shows the load average it ran under.
# (b) measures under workstation GC, as the hoist-sandbox executable runs; DOTNET_gcServer=1 bench/sandbox/run.sh
# --only b shows the footprint inside the Hoist server (server GC).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -nologo -clp:ErrorsOnly -v quiet . >&2
exec dotnet bin/Release/net10.0/hoist-sandbox-bench.dll "$@"
