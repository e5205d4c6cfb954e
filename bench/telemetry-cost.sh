#!/usr/bin/env bash
# What metrics and tracing cost a server, Trunk's and grpc-java's in one run: two JVMs, each serving
# the same service twice (with telemetry, and without it on a baseline port), loaded in turn by
# h2load in alternating rounds; server CPU per call from /proc/PID/stat. See docs/performance.md
# (issue 15 item 9, third and fourth passes).
#
#   bench/telemetry-cost.sh [on|metrics] [sampling ratio] [rounds] [calls per round] [warm-up s] [passes]
#   (defaults: on 0.01 6 400000 40 2)
#
# Both servers of a comparison share one JVM because two JVMs of the same build and flags differ by
# a few percent (JIT decisions), as much as the cost measured. Each pass starts fresh JVMs. They run
# on the CPUs in TRUNK_BENCH_SERVER_CPUS (default 0) and h2load on TRUNK_BENCH_LOAD_CPUS (default
# 1). The last line has the medians over every round of every pass; quote those, never one round.
#
# Needs what bench/compare.sh needs (the two built benchmark servers, JDK 25, taskset, h2load).
# Takes about ten minutes with the defaults.
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

pids=()
start() { # port, baseline port, command...
  local port="$1" baseline="$2"
  shift 2
  # The peer stops when its standard input closes: give it one that stays open.
  taskset -c "$server_cpus" "$@" --port="$port" --baseline-port="$baseline" \
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

trunk=("$java" -jar "$root/bench/target/trunk-bench.jar" server)
grpc=("$java" -cp "$root/bench-peer/target/lib/*" dev.trunk.benchpeer.GrpcJavaBenchServer)

load() { # port, h2load's count or duration flag
  taskset -c "$load_cpus" h2load "$2" -c 1 -m 16 -t 1 -d "$request" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$1/grpc.testing.BenchmarkService/UnaryCall"
}
ratio() { awk -v on="$1" -v off="$2" 'BEGIN { printf "%.3f", on / off }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks="$(getconf CLK_TCK)"

micros=()
names=(trunk-off trunk-on grpc-java-off grpc-java-on)
results="$logs/results"
for pass in $(seq "$passes"); do
  start 50212 50211 "${trunk[@]}" --telemetry="$mode" --sampling="$sampling"
  start 50214 50213 "${grpc[@]}" --telemetry="$mode" --sampling="$sampling"
  sleep 5
  for port in 50211 50212 50213 50214; do load "$port" "-D$warmup" > /dev/null; done
  for round in $(seq "$rounds"); do
    line="pass $pass round $round:"
    for i in 0 1 2 3; do
      port=$((50211 + i))
      pid="${pids[$((i / 2))]}"
      before="$(cpu_ticks "$pid")"
      rate="$(load "$port" "-n$calls" | sed -n 's/.*finished in .*, \([0-9.]*\) req\/s.*/\1/p')"
      after="$(cpu_ticks "$pid")"
      micros[$i]="$(awk -v b="$before" -v a="$after" -v t="$ticks" -v n="$calls" \
        'BEGIN { printf "%.2f", (a - b) / t * 1e6 / n }')"
      line="$line ${names[$i]} ${micros[$i]} us/call ${rate%.*}/s,"
    done
    trunk_ratio="$(ratio "${micros[1]}" "${micros[0]}")"
    grpc_ratio="$(ratio "${micros[3]}" "${micros[2]}")"
    echo "$line | trunk on/off $trunk_ratio grpc-java on/off $grpc_ratio"
    echo "${micros[*]} $trunk_ratio $grpc_ratio" >> "$results"
  done
  stop_all
done
median_of() { awk -v c="$1" '{ print $c }' "$results" | median; }
echo "medians of $((passes * rounds)) rounds: trunk off $(median_of 1) on $(median_of 2) us/call," \
  "on/off $(median_of 5); grpc-java off $(median_of 3) on $(median_of 4) us/call, on/off $(median_of 6)"
