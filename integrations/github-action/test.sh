#!/usr/bin/env bash
# Tests the action's deploy script with a stand-in `hoist` on PATH that records its arguments and environment,
# and checks that action.yml hands every input to the script through the environment.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

mkdir -p "$work/bin"
cat >"$work/bin/hoist" <<'STUB'
#!/usr/bin/env bash
for a in "$@"; do printf '%s\0' "$a"; done >"$RECORD"
printf '%s' "${CD_PERSONAL_ACCESS_TOKEN-<unset>}" >"$RECORD.token"
env | grep -c '^INPUT_TOKEN=' >"$RECORD.input-token" || true
echo "hoist: progress goes to stderr" >&2
printf '{\n  "id": 42,\n  "status": "%s",\n  "reason": "%s",\n  "url": "/releases/42",\n  "message": "line one\\nline two"\n}\n' "${FAKE_STATUS:-Succeeded}" "${FAKE_REASON:-None}"
exit "${FAKE_EXIT:-0}"
STUB
chmod +x "$work/bin/hoist"

# run VAR=value ... : runs the deploy script with a clean environment plus the given variables.
run() {
  : >"$work/out"; : >"$work/summary"; rm -f "$work/record"*
  env -i PATH="$work/bin:/usr/bin:/bin" HOME="$work" RECORD="$work/record" GITHUB_OUTPUT="$work/out" \
    GITHUB_STEP_SUMMARY="$work/summary" "$@" "$here/hoist-deploy.sh" >"$work/log" 2>&1
}
argv() { tr '\0' '\n' <"$work/record"; }
expect_argv() { # expected arguments, one per parameter
  local expected actual
  expected=$(printf '%s\0' "$@" | od -c)
  actual=$(od -c <"$work/record")
  [ "$expected" = "$actual" ] || { echo "     expected: $(printf '[%s] ' "$@")"; echo "     actual:   $(argv | sed 's/.*/[&]/' | tr '\n' ' ')"; return 1; }
}

# 1. Typical inputs become --option=value words, empty ones are left out, flags become flags.
run INPUT_IMAGE=nginx:1.27 INPUT_DEPLOY_TYPE=PATCH_IMAGE INPUT_CREDENTIAL_ID=c1 INPUT_CLOUD_ACCOUNT_NAME=sandbox \
  INPUT_NAMESPACE=demo INPUT_MANIFEST_TYPE=Deployment INPUT_MANIFEST_NAME=web INPUT_CONTAINER_NAME=nginx \
  INPUT_SERVER=https://hoist.example.com/ INPUT_TIMEOUT=5m INPUT_ROLLBACK_ON_FAILURE=true INPUT_RESTART_IF_UNCHANGED=false \
  INPUT_NO_WAIT=False INPUT_APPLICATION= INPUT_PIPELINE_NAME= INPUT_TOKEN=
check "exit 0 when hoist succeeds" test $? -eq 0
check "inputs become hoist options" expect_argv deploy --image=nginx:1.27 --deploy-type=PATCH_IMAGE --credential-id=c1 \
  --cloud-account-name=sandbox --namespace=demo --manifest-type=Deployment --manifest-name=web --container-name=nginx \
  --server=https://hoist.example.com/ --timeout=5m --rollback-on-failure --output=json
check "no token input: CD_PERSONAL_ACCESS_TOKEN untouched" test "$(cat "$work/record.token")" = "<unset>"
check "outputs: id, absolute url, status, reason, exit code" diff <(cat "$work/out") <(printf '%s\n' release-id=42 \
  release-url=https://hoist.example.com/releases/42 status=Succeeded reason=None exit-code=0)
check "job summary links the release" grep -qF 'Hoist release [#42](https://hoist.example.com/releases/42): **Succeeded**' "$work/summary"
check "hoist's progress reaches the log" grep -qF 'hoist: progress goes to stderr' "$work/log"

# 2. Hostile inputs arrive as single arguments, byte for byte, and the shell runs none of them.
hostile_image=$'$(touch '"$work"$'/pwned) `touch '"$work"$'/pwned`; it\'s "x"\nsecond line'
hostile_ns='--server=http://evil -rf *'
run INPUT_IMAGE="$hostile_image" INPUT_NAMESPACE="$hostile_ns" INPUT_CONTAINER_NAME="\$HOME \${PATH}"
check "hostile inputs are passed verbatim" expect_argv deploy "--image=$hostile_image" "--namespace=$hostile_ns" \
  "--container-name=\$HOME \${PATH}" --output=json
check "hostile inputs ran nothing" test ! -e "$work/pwned"

# 3. The token travels in CD_PERSONAL_ACCESS_TOKEN only.
secret=$'hoist_pat_s3cr3t\'$(x)'
run INPUT_IMAGE=a:1 INPUT_TOKEN="$secret"
check "token reaches hoist in CD_PERSONAL_ACCESS_TOKEN" test "$(cat "$work/record.token")" = "$secret"
check "token is not an argument" bash -c '! grep -qa s3cr3t "$1"' _ "$work/record"
check "INPUT_TOKEN is not passed on to hoist" test "$(cat "$work/record.input-token")" = 0
check "token is not in the log" bash -c '! grep -q s3cr3t "$1"' _ "$work/log"
run INPUT_IMAGE=a:1 CD_PERSONAL_ACCESS_TOKEN=from-workflow-env
check "without the input, the workflow's CD_PERSONAL_ACCESS_TOKEN is used" test "$(cat "$work/record.token")" = from-workflow-env

# 4. Exit codes pass through, with an annotation each.
for code in 1 2 3 4 5 9; do
  run INPUT_IMAGE=a:1 FAKE_EXIT=$code FAKE_STATUS=Failed FAKE_REASON=ImagePullFailed HOIST_SERVER=http://h
  rc=$?
  check "exit $code passes through" test "$rc" -eq "$code"
  check "exit $code has an error annotation" grep -q '^::error title=Hoist deploy::' "$work/log"
  check "exit $code is in the outputs" grep -qx "exit-code=$code" "$work/out"
done
run INPUT_IMAGE=a:1 FAKE_EXIT=3 FAKE_STATUS=Failed FAKE_REASON=ImagePullFailed HOIST_SERVER=http://h
check "a failure names the reason and the page" grep -qF '::error title=Hoist deploy::release 42 failed: ImagePullFailed (exit 3) http://h/releases/42' "$work/log"

# 5. A boolean input that is neither true nor false stops before hoist runs.
run INPUT_IMAGE=a:1 INPUT_NO_WAIT=maybe
check "bad boolean exits 1" test $? -eq 1
check "bad boolean does not run hoist" test ! -e "$work/record"

# 6. action.yml passes every input (but the installer's) to the deploy script as INPUT_<NAME>.
inputs=$(awk '/^inputs:/{on=1; next} /^[a-z]/{on=0} on && /^  [a-z-]+:$/{sub(/^  /,""); sub(/:$/,""); print}' "$here/action.yml")
check "action.yml declares the cdDeploy inputs" test "$(echo "$inputs" | wc -l)" -ge 16
for name in $inputs; do
  [ "$name" = hoist-version ] && continue
  var="INPUT_$(echo "$name" | tr 'a-z-' 'A-Z_')"
  check "action.yml maps $name to $var" grep -qF "$var: \${{ inputs.$name }}" "$here/action.yml"
  check "hoist-deploy.sh reads $var" grep -qF "\${$var:-}" "$here/hoist-deploy.sh"
done
check "action.yml never pastes an input into a script" bash -c '! grep -nE "run:.*\\$\\{\\{" "$1"' _ "$here/action.yml"

echo
if [ "$failures" -eq 0 ]; then echo "all checks passed"; else echo "$failures check(s) failed"; exit 1; fi
