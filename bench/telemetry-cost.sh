#!/usr/bin/env bash
# What metrics and tracing cost a server, Trunk's and grpc-java's in one run: four servers (each
# with telemetry off and on) pinned to one core, loaded in turn by h2load pinned to another, in
# alternating rounds; server CPU per call from /proc/PID/stat. See docs/performance.md (issue 15
# item 9, third pass).
#
#   bench/telemetry-cost.sh [on|metrics] [sampling ratio] [rounds] [calls per round] [warm-up s]
#   (defaults: on 0.01 6 400000 40)
#
# Needs what bench/compare.sh needs (the two built benchmark servers, JDK 25, taskset, h2load).
# Each round prints both servers' µs per call and calls/s, and on/off per implementation; quote
# the medians of the rounds, never one round. Takes about ten minutes with the defaults.
set -euo pipefail
set -f # the peer's class path holds a '*' for the JVM, not for the shell

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${TRUNK_BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mode="${1:-on}" sampling="${2:-0.01}" rounds="${3:-6}" calls="${4:-400000}" warmup="${5:-40}"
request="$(mktemp)"
logs="$(mktemp -d)"
# A gRPC frame of a SimpleRequest asking for a 100-byte response and carrying a 100-byte payload.
{
  printf '\x00\x00\x00\x00\x6a\x10\x64\x1a\x66\x12\x64'
  head -c 100 /dev/zero
} > "$request"

pids=()
start() { # port, command...
  local port="$1"
  shift
  # The peer stops when its standard input closes: give it one that stays open.
  taskset -c 0 "$@" --port="$port" < <(sleep 100000) > "$logs/$port.log" 2>&1 &
  pids+=("$!")
}
trap 'kill "${pids[@]}" 2>/dev/null; pkill -f "sleep 100000" || true; rm -rf "$request" "$logs"' EXIT

trunk=("$java" -jar "$root/bench/target/trunk-bench.jar" server)
grpc=("$java" -cp "$root/bench-peer/target/lib/*" dev.trunk.benchpeer.GrpcJavaBenchServer)
start 50211 "${trunk[@]}"
start 50212 "${trunk[@]}" --telemetry="$mode" --sampling="$sampling"
start 50213 "${grpc[@]}"
start 50214 "${grpc[@]}" --telemetry="$mode" --sampling="$sampling"
sleep 5

load() { # port, h2load's count or duration flag
  taskset -c 1 h2load "$2" -c 1 -m 16 -t 1 -d "$request" -H 'content-type: application/grpc' \
    -H 'te: trailers' "http://127.0.0.1:$1/grpc.testing.BenchmarkService/UnaryCall"
}
ratio() { awk -v on="$1" -v off="$2" 'BEGIN { printf "%.3f", on / off }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks="$(getconf CLK_TCK)"

micros=()
names=(trunk-off trunk-on grpc-java-off grpc-java-on)
for port in 50211 50212 50213 50214; do load "$port" "-D$warmup" > /dev/null; done
for round in $(seq "$rounds"); do
  line="round $round:"
  for i in 0 1 2 3; do
    port=$((50211 + i))
    before="$(cpu_ticks "${pids[$i]}")"
    rate="$(load "$port" "-n$calls" | sed -n 's/.*finished in .*, \([0-9.]*\) req\/s.*/\1/p')"
    after="$(cpu_ticks "${pids[$i]}")"
    micros[$i]="$(awk -v b="$before" -v a="$after" -v t="$ticks" -v n="$calls" \
      'BEGIN { printf "%.2f", (a - b) / t * 1e6 / n }')"
    line="$line ${names[$i]} ${micros[$i]} us/call ${rate%.*}/s,"
  done
  echo "$line | trunk on/off $(ratio "${micros[1]}" "${micros[0]}")" \
    "grpc-java on/off $(ratio "${micros[3]}" "${micros[2]}")"
done
