#!/usr/bin/env bash
# OpenLGSP next to Debian's nginx (two-hop mutual-TLS chain) and the direct backend, in one run:
#   benchmarks/peer-benchmark.sh [seconds] [rates] [paths] [node JVM options...]
#   e.g. benchmarks/peer-benchmark.sh 10 500,1000 direct,nginx,onejvm,wrk,separate -Xmx256m \
#          -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
#          "-XX:StartFlightRecording=filename=node-{node}.jfr,dumponexit=true,settings=profile"
# Every argument after the paths goes to each separate gateway process (an argument holding several
# options separated by spaces works too); {node} becomes the gateway's name (mps-gateway,
# tay-ninh-gateway), files land in target/peer-benchmark/federation-<pid>/; -Xmx256m unless an
# option sets the heap.
# BENCH_JAVA_OPTS adds options to the benchmark's JVM (e.g. -XX:StartFlightRecording=...).
# Needs nginx (Debian's, /usr/sbin) and openssl; wrk for the optional cross-check. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
. bin/jdk.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -o -q -pl benchmarks -am package -DskipTests
fi
cd benchmarks
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} \
  -cp "target/lgsp-benchmarks.jar:target/lib/*" org.openlgsp.benchmarks.PeerBenchmark "$@"
