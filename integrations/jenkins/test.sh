#!/usr/bin/env bash
# Tests vars/cdDeploy.groovy with Debian's groovy and a stand-in `sh` step (see test/CdDeployTest.groovy).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v groovy >/dev/null; then
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends groovy) >/dev/null
fi
# Debian's groovy looks for /usr/lib/jvm/default-java, which only the default-jre package creates.
if [ ! -x "${JAVA_HOME:-/usr/lib/jvm/default-java}/bin/java" ]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
fi
exec groovy -cp test/stubs test/CdDeployTest.groovy
