#!/usr/bin/env bash
# The action's deploy step: builds `hoist deploy` from the INPUT_* variables set in action.yml, runs it, and
# publishes the release as step outputs and in the job summary. Runnable anywhere with a `hoist` on PATH.
set -uo pipefail

args=(deploy)

# --option=value keeps a value that starts with '-' from being read as an option; empty inputs are left out so
# that hoist falls back to its environment variables (CD_*, HOIST_SERVER).
option() {
  if [ -n "$2" ]; then args+=("$1=$2"); fi
}

flag() {
  case "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" in
    true | yes | 1) args+=("$1") ;;
    false | no | 0 | '') ;;
    *)
      echo "::error title=Hoist deploy::input $3 must be true or false, not '$2'"
      exit 1
      ;;
  esac
}

option --image "${INPUT_IMAGE:-}"
option --deploy-type "${INPUT_DEPLOY_TYPE:-}"
option --application "${INPUT_APPLICATION:-}"
option --pipeline-name "${INPUT_PIPELINE_NAME:-}"
option --credential-id "${INPUT_CREDENTIAL_ID:-}"
option --cloud-account-name "${INPUT_CLOUD_ACCOUNT_NAME:-}"
option --namespace "${INPUT_NAMESPACE:-}"
option --manifest-type "${INPUT_MANIFEST_TYPE:-}"
option --manifest-name "${INPUT_MANIFEST_NAME:-}"
option --container-name "${INPUT_CONTAINER_NAME:-}"
option --server "${INPUT_SERVER:-}"
option --timeout "${INPUT_TIMEOUT:-}"
flag --rollback-on-failure "${INPUT_ROLLBACK_ON_FAILURE:-}" rollback-on-failure
flag --restart-if-unchanged "${INPUT_RESTART_IF_UNCHANGED:-}" restart-if-unchanged
flag --no-wait "${INPUT_NO_WAIT:-}" no-wait
args+=(--output=json)

# The token goes to hoist in its environment variable, never on its command line.
if [ -n "${INPUT_TOKEN:-}" ]; then
  export CD_PERSONAL_ACCESS_TOKEN="$INPUT_TOKEN"
fi
unset INPUT_TOKEN

release=$(mktemp)
trap 'rm -f "$release"' EXIT
hoist "${args[@]}" >"$release"
code=$?

field() { # jq path → one line, no control characters (values end up in $GITHUB_OUTPUT)
  if command -v jq >/dev/null; then
    jq -r "$1 // empty" "$release" 2>/dev/null | head -n 1 | tr -d '\000-\037'
  elif command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2][1:]); print("" if v is None else v)' "$release" "$1" 2>/dev/null | head -n 1 | tr -d '\000-\037'
  fi
}

id=$(field .id)
url=$(field .url)
status=$(field .status)
reason=$(field .reason)
case "$url" in
  /*) server="${INPUT_SERVER:-${HOIST_SERVER:-}}"; url="${server%/}$url" ;;
esac

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "release-id=$id"
    echo "release-url=$url"
    echo "status=$status"
    echo "reason=$reason"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -n "$id" ]; then
  echo "Hoist release [#$id]($url): **$status**${reason:+ ($reason)}" >>"$GITHUB_STEP_SUMMARY"
fi

case $code in
  0) ;;
  1) echo "::error title=Hoist deploy::bad or missing parameters (exit 1); the log above names each one and the variable that supplies it" ;;
  2) echo "::error title=Hoist deploy::the Hoist server could not be reached (exit 2); a created release keeps running" ;;
  3) echo "::error title=Hoist deploy::release ${id:-?} failed${reason:+: $reason} (exit 3) $url" ;;
  4) echo "::error title=Hoist deploy::release ${id:-?} did not finish in time (exit 4) $url" ;;
  5) echo "::error title=Hoist deploy::Hoist refused the deploy (exit 5); the log above says why" ;;
  127) echo "::error title=Hoist deploy::hoist is not installed" ;;
  *) echo "::error title=Hoist deploy::hoist exited with $code" ;;
esac
exit "$code"
