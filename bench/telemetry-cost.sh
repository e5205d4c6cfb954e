#!/usr/bin/env bash
# What metrics and tracing cost a server: JVMs that each serve the same service twice (with
# telemetry, and without it on a baseline port), loaded in turn by h2load in alternating rounds;
# server CPU per call from /proc/PID/stat. See docs/performance.md (issue 15 item 9, third to fifth
# passes).
#
#   bench/telemetry-cost.sh [on|metrics|layers] [sampling ratio] [rounds] [calls per round] \
#       [warm-up s] [passes]
#   (defaults: on 0.01 6 400000 40 2)
#
# on, metrics: Trunk's and grpc-java's servers, each with that telemetry against its own baseline.
# layers: Trunk's server only, one JVM per layer of its telemetry, to show where the cost is:
#   seam     a listener that takes every event and does nothing (the core's event delivery)
#   noop     TrunkTelemetry.server() over OpenTelemetry.noop() (Trunk's own per-call work)
#   metrics  TrunkTelemetry.serverListener() over the SDK (adds the SDK's metric recording)
#   on       TrunkTelemetry.server() over the SDK (adds the SDK's spans)
#
# Both servers of a comparison share one JVM because two JVMs of the same build and flags differ by
# a few percent (JIT decisions), as much as the cost measured; and one JVM's ratio still differs
# from the next one's by a few percent, so each pass starts fresh JVMs. They run on the CPUs in
# TRUNK_BENCH_SERVER_CPUS (default 0), h2load on TRUNK_BENCH_LOAD_CPUS (default 1). The last lines
# have the medians over every round of every pass; quote those, never one round.
#
# Needs what bench/compare.sh needs (the two built benchmark servers, JDK 25, taskset, h2load).
# Takes about ten minutes with the defaults (layers: about fifteen).
set -euo pipefail
set -f # the peer's class path holds a '*' for the JVM, not for the shell

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${TRUNK_BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
server_cpus="${TRUNK_BENCH_SERVER_CPUS:-0}" load_cpus="${TRUNK_BENCH_LOAD_CPUS:-1}"
mode="${1:-on}" sampling="${2:-0.01}" rounds="${3:-6}" calls="${4:-400000}" warmup="${5:-40}"
passes="${6:-2}"
request="$(mktemp)"
logs="$(mktemp -d)"
# A gRPC frame of a SimpleRequest asking for a 100-byte response and carrying a 100-byte payload.
{
  printf '\x00\x00\x00\x00\x6a\x10\x64\x1a\x66\x12\x64'
  head -c 100 /dev/zero
} > "$request"

trunk=("$java" -jar "$root/bench/target/trunk-bench.jar" server)
grpc=("$java" -cp "$root/bench-peer/target/lib/*" dev.trunk.benchpeer.GrpcJavaBenchServer)
case "$mode" in
  on | metrics) names=(trunk grpc-java) ;;
  layers) names=(seam noop metrics on) ;;
  *)
    echo "telemetry-cost.sh: the mode must be on, metrics or layers: $mode" >&2
    exit 2
    ;;
esac

# Server i (its index in names) serves telemetry on port_of i and its baseline on the port below.
port_of() { echo $((50212 + 2 * $1)); }
pids=()
start() { # the server's index in names
  local name="${names[$1]}" port command
  port="$(port_of "$1")"
  case "$mode/$name" in
    layers/*) command=("${trunk[@]}" --telemetry="$name") ;;
    */trunk) command=("${trunk[@]}" --telemetry="$mode") ;;
    */grpc-java) command=("${grpc[@]}" --telemetry="$mode") ;;
  esac
  # The peer stops when its standard input closes: give it one that stays open.
  taskset -c "$server_cpus" "${command[@]}" --sampling="$sampling" \
    --port="$port" --baseline-port=$((port - 1)) \
    < <(sleep 100000) > "$logs/$port.log" 2>&1 &
  pids+=("$!")
}
stop_all() {
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  pkill -f "sleep 100000" || true
  pids=()
}
trap 'stop_all; rm -rf "$request" "$logs"' EXIT

load() { # port, h2load's count or duration flag
  taskset -c "$load_cpus" h2load "$2" -c 1 -m 16 -t 1 -d "$request" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$1/grpc.testing.BenchmarkService/UnaryCall"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks="$(getconf CLK_TCK)"
measure() { # pid, port: prints the server's CPU microseconds per call over one round
  local before after
  before="$(cpu_ticks "$1")"
  load "$2" "-n$calls" > /dev/null
  after="$(cpu_ticks "$1")"
  awk -v b="$before" -v a="$after" -v t="$ticks" -v n="$calls" \
    'BEGIN { printf "%.2f", (a - b) / t * 1e6 / n }'
}

results="$logs/results"
for pass in $(seq "$passes"); do
  for i in "${!names[@]}"; do start "$i"; done
  sleep 5
  for i in "${!names[@]}"; do
    port="$(port_of "$i")"
    load $((port - 1)) "-D$warmup" > /dev/null
    load "$port" "-D$warmup" > /dev/null
  done
  for round in $(seq "$rounds"); do
    line="pass $pass round $round:"
    for i in "${!names[@]}"; do
      port="$(port_of "$i")"
      off="$(measure "${pids[$i]}" $((port - 1)))"
      on="$(measure "${pids[$i]}" "$port")"
      ratio="$(awk -v on="$on" -v off="$off" 'BEGIN { printf "%.3f", on / off }')"
      line="$line ${names[$i]} $off -> $on us/call ($ratio),"
      echo "${names[$i]} $off $on $ratio" >> "$results"
    done
    echo "${line%,}"
  done
  stop_all
done
column() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$results" | median; } # name, column
for name in "${names[@]}"; do
  echo "medians of $((passes * rounds)) rounds: $name off $(column "$name" 2)" \
    "on $(column "$name" 3) us/call, on/off $(column "$name" 4)"
done
