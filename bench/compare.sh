#!/usr/bin/env bash
# Trunk vs grpc-java 1.79.0, one run, same JDK and JVM flags; the server pinned to one core and the
# load generators to another (taskset). See docs/performance.md.
#
#   bench/compare.sh [--quick] [--out=DIR] [--servers=trunk,grpc-java,...] [--skip=memory,h2load,...]
#
# Needs: bench/target/trunk-bench.jar and bench-peer/target/lib (built by
#   ./mvnw -B -f bench-peer/pom.xml install && ./mvnw -B -f bench/pom.xml verify),
# JDK 25 (TRUNK_BENCH_JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64), taskset, and h2load
# (installed from Debian's nghttp2-client when missing and running as root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

java_home="${TRUNK_BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$java_home/bin/java"
jar="bench/target/trunk-bench.jar"
peer="bench-peer/target/lib"

if [[ ! -x "$java" ]]; then
  echo "compare.sh: no JDK at $java_home (set TRUNK_BENCH_JAVA_HOME)" >&2
  exit 2
fi
if [[ ! -f "$jar" || ! -f "$peer/bench-peer.jar" ]]; then
  echo "compare.sh: build first: ./mvnw -B -f bench-peer/pom.xml install && ./mvnw -B -f bench/pom.xml verify" >&2
  exit 2
fi
if ! command -v h2load >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "compare.sh: installing h2load (nghttp2-client)" >&2
    (apt-get install -y -qq nghttp2-client >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq nghttp2-client >/dev/null 2>&1; }) ||
      echo "compare.sh: could not install h2load; its raw check is skipped" >&2
  else
    echo "compare.sh: h2load not found; its raw check is skipped" >&2
  fi
fi

client_cpu=1
pin=true
if [[ "$(nproc --all)" -lt 2 ]] || ! command -v taskset >/dev/null 2>&1; then
  echo "compare.sh: fewer than 2 cores or no taskset: not pinning" >&2
  pin=false
fi

# The orchestrator itself (idle while a load runs) sits on the load core.
cmd=("$java" -Xmx1g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -jar "$jar" compare --peer-lib="$peer" --pin="$pin" "$@")
if [[ "$pin" == true ]]; then
  exec taskset -c "$client_cpu" "${cmd[@]}"
else
  exec "${cmd[@]}"
fi
