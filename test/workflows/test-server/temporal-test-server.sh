#!/usr/bin/env bash
# Temporal's Java test server (time skipping), for TestWorkflowEnvironment.createTimeSkipping as an
# `existing-path` executable: the SDK runs it as `<this script> <port>`. Its jars come from Maven
# Central through pom.xml beside this file and are read from ~/.m2 offline, so a test never
# downloads: .ci/run (or, once, `bash test/workflows/test-server/temporal-test-server.sh --install`)
# fetches them and writes target/classpath.txt.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
classpath="$dir/target/classpath.txt"

resolve() {
  mkdir -p "$dir/target"
  local tmp
  tmp="$(mktemp "$dir/target/classpath.XXXXXX")"
  mvn -B -q "$@" -f "$dir/pom.xml" dependency:build-classpath -Dmdep.outputFile="$tmp" >&2
  mv "$tmp" "$classpath"
}

if [ "${1:-}" = "--install" ]; then
  resolve
  exit 0
fi
if [ ! -s "$classpath" ] || [ "$dir/pom.xml" -nt "$classpath" ]; then
  resolve -o || {
    echo "the Temporal test server's jars are not in ~/.m2: run $0 --install (needs Maven Central)" >&2
    exit 1
  }
fi
# A small heap and the quick JIT tier: the server holds a few test workflows on a shared two-core machine.
exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$(cat "$classpath")" io.temporal.testserver.TestServer "$@"
