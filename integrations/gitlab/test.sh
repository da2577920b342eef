#!/usr/bin/env bash
# Runs the template's deploy script (the lines between its ">>> hoist-deploy" markers) with POSIX sh and a
# stand-in `hoist` that records its arguments and environment; checks arguments, token handling, exit codes and
# the dotenv report.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
template="$here/hoist-deploy.gitlab-ci.yml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

# The script as GitLab would run it: the block scalar's lines, de-indented.
sed -n '/# >>> hoist-deploy/,/# <<< hoist-deploy/p' "$template" | sed 's/^      //' >"$work/deploy.sh"
check "the template contains the deploy script" test "$(wc -l <"$work/deploy.sh")" -gt 20

mkdir -p "$work/bin" "$work/job"
cat >"$work/bin/hoist" <<'STUB'
#!/bin/sh
for a in "$@"; do printf '%s\0' "$a"; done >"$RECORD"
printf '%s' "${CD_PERSONAL_ACCESS_TOKEN-<unset>}" >"$RECORD.token"
env | grep -c '^HOIST_TOKEN=' >"$RECORD.hoist-token"
echo "hoist: progress goes to stderr" >&2
printf '{\n  "id": 42,\n  "status": "%s",\n  "reason": "%s",\n  "url": "/releases/42",\n  "workload": {\n    "name": "nested"\n  }\n}\n' "${FAKE_STATUS:-Succeeded}" "${FAKE_REASON:-None}"
exit "${FAKE_EXIT:-0}"
STUB
chmod +x "$work/bin/hoist"

# The template's variable defaults (as GitLab sets them), then the test's overrides.
defaults=(HOIST_IMAGE=registry.example.com/shop/web:abc123 HOIST_DEPLOY_TYPE=PATCH_IMAGE HOIST_TIMEOUT=10m
  HOIST_ROLLBACK_ON_FAILURE=false HOIST_RESTART_IF_UNCHANGED=false HOIST_NO_WAIT=false HOIST_APPLICATION=
  HOIST_PIPELINE_NAME= HOIST_CREDENTIAL_ID= HOIST_CLOUD_ACCOUNT_NAME= HOIST_NAMESPACE= HOIST_MANIFEST_TYPE=
  HOIST_MANIFEST_NAME= HOIST_CONTAINER_NAME= HOIST_TOKEN=)
run() {
  rm -f "$work/record"* "$work/job/"*
  (cd "$work/job" && env -i PATH="$work/bin:/usr/bin:/bin" RECORD="$work/record" "${defaults[@]}" "$@" sh "$work/deploy.sh" >"$work/log" 2>&1)
}
expect_argv() {
  local expected actual
  expected=$(printf '%s\0' "$@" | od -c)
  actual=$(od -c <"$work/record")
  [ "$expected" = "$actual" ] || { echo "     expected: $(printf '[%s] ' "$@")"; echo "     actual:   $(tr '\0' '\n' <"$work/record" | sed 's/.*/[&]/' | tr '\n' ' ')"; return 1; }
}

# 1. Defaults: the image and the fixed values; empty parameters are left to hoist's CD_* defaults.
run CD_ACCOUNT_NAME=sandbox
check "exit 0 when hoist succeeds" test $? -eq 0
check "defaults become options" expect_argv deploy --image=registry.example.com/shop/web:abc123 --deploy-type=PATCH_IMAGE --timeout=10m --output=json
check "dotenv report for later jobs" diff "$work/job/hoist.env" <(printf '%s\n' HOIST_RELEASE_ID=42 HOIST_RELEASE_STATUS=Succeeded HOIST_RELEASE_REASON=None HOIST_EXIT_CODE=0)
check "release JSON kept as an artifact" grep -q '"id": 42' "$work/job/hoist-release.json"
check "hoist's progress reaches the job log" grep -qF 'hoist: progress goes to stderr' "$work/log"

# 2. Every parameter and flag.
run HOIST_APPLICATION=demo HOIST_PIPELINE_NAME=shop-bd-1 HOIST_CREDENTIAL_ID=c1 HOIST_CLOUD_ACCOUNT_NAME=sandbox \
  HOIST_NAMESPACE=demo HOIST_MANIFEST_TYPE=Deployment HOIST_MANIFEST_NAME=web HOIST_CONTAINER_NAME=nginx \
  HOIST_ROLLBACK_ON_FAILURE=TRUE HOIST_RESTART_IF_UNCHANGED=yes HOIST_NO_WAIT=1
check "all parameters become options" expect_argv deploy --image=registry.example.com/shop/web:abc123 --deploy-type=PATCH_IMAGE \
  --application=demo --pipeline-name=shop-bd-1 --credential-id=c1 --cloud-account-name=sandbox --namespace=demo \
  --manifest-type=Deployment --manifest-name=web --container-name=nginx --timeout=10m --rollback-on-failure \
  --restart-if-unchanged --no-wait --output=json

# 3. Hostile values stay single arguments and run nothing.
hostile=$'$(touch '"$work"$'/pwned) `touch '"$work"$'/pwned`; it\'s "x" *\nline two'
run HOIST_IMAGE="$hostile" HOIST_NAMESPACE='-rf --server=http://evil'
check "hostile values are passed verbatim" expect_argv deploy "--image=$hostile" --deploy-type=PATCH_IMAGE \
  '--namespace=-rf --server=http://evil' --timeout=10m --output=json
check "hostile values ran nothing" test ! -e "$work/pwned"

# 4. Token: HOIST_TOKEN is handed over as CD_PERSONAL_ACCESS_TOKEN, never as an argument.
secret=$'hoist_pat_s3cr3t\'$(x)'
run HOIST_TOKEN="$secret"
check "token reaches hoist in CD_PERSONAL_ACCESS_TOKEN" test "$(cat "$work/record.token")" = "$secret"
check "token is not an argument" bash -c '! grep -qa s3cr3t "$1"' _ "$work/record"
check "HOIST_TOKEN is not passed on" test "$(cat "$work/record.hoist-token")" = 0
check "token is not in the log or the report" bash -c '! grep -rqa s3cr3t "$1" "$2"' _ "$work/log" "$work/job"
run CD_PERSONAL_ACCESS_TOKEN=from-ci-variable
check "without HOIST_TOKEN the CI/CD variable is used" test "$(cat "$work/record.token")" = from-ci-variable

# 5. Exit codes fail the job with the same code, and the report still says what happened.
for code in 1 2 3 4 5; do
  run FAKE_EXIT=$code FAKE_STATUS=Failed FAKE_REASON=ImagePullFailed
  rc=$?
  check "exit $code passes through" test "$rc" -eq "$code"
  check "exit $code is reported" grep -qx "HOIST_EXIT_CODE=$code" "$work/job/hoist.env"
done
check "a failure's status and reason are reported" grep -qx HOIST_RELEASE_REASON=ImagePullFailed "$work/job/hoist.env"

# 6. A flag that is neither true nor false stops before hoist runs.
run HOIST_NO_WAIT=maybe
check "bad boolean exits 1" test $? -eq 1
check "bad boolean names the variable" grep -qF "HOIST_NO_WAIT must be true or false, not 'maybe'" "$work/log"
check "bad boolean does not run hoist" test ! -e "$work/record"

# 7. The template is valid YAML with a hidden job (checked when python3 has PyYAML).
if python3 -c 'import yaml' 2>/dev/null; then
  check "template parses as YAML with .hoist-deploy" python3 -c 'import sys, yaml; j = yaml.safe_load(open(sys.argv[1]))[".hoist-deploy"]; assert {"script", "variables", "artifacts"} <= set(j)' "$template"
fi

echo
if [ "$failures" -eq 0 ]; then echo "all checks passed"; else echo "$failures check(s) failed"; exit 1; fi
