#!/usr/bin/env bash
# The interop matrix in one command: installs what the peers need, runs every interop test with
# Maven's matrix profile, and leaves the table in docs/interop.md (see its top for what it shows).
#
#   interop/matrix.sh [extra Maven arguments, e.g. -Dit.test='GrpcJava*']
#   interop/matrix.sh --install-only    # only the packages (what CI needs before ./mvnw verify)
#
# - Debian packages (apt-get, when missing): nginx (the proxy path), python3-grpcio,
#   python3-protobuf and python3-grpc-tools (the gRPC C-core/Python peer), dnsmasq-base (the DNS
#   server of DnsResolverIT; -base is the program without the system service), chromium (the browser
#   of GrpcWebBrowserIT, driven by playwright-core from npm), prometheus (its promtool checks and
#   unit-tests observability/prometheus/trunk-rules.yml in PrometheusRulesIT), nghttp2-client (h2load,
#   the reference rate of TrunkBenchIT); nodejs and npm only if
#   npm is missing. The Node peers' packages come from the build itself (npm ci at
#   pre-integration-test, from interop/src/test/node/package-lock.json); grpc-java's from Maven
#   (interop-peer). Without -DskipTests the build runs this script's --install-only itself, just
#   before the interop tests; with it, it installs nothing.
# - Maven: ./mvnw -B -Pmatrix -pl interop -am verify. The upstream modules are built but their
#   unit tests are skipped (-Dtest=...), since CI runs those; the interop tests all run. The
#   profile clears interop/target/interop-results first and writes docs/interop.md after the
#   tests, also when some failed; the exit status is Maven's (non-zero if any cell failed).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nginx python3-grpcio python3-protobuf python3-grpc-tools dnsmasq-base chromium prometheus
  nghttp2-client)
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  echo "matrix.sh: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi

status=0
./mvnw -B -Pmatrix -pl interop -am \
  -Dtest=NoUnitTestsInTheMatrixRun -Dsurefire.failIfNoSpecifiedTests=false \
  verify "$@" || status=$?

echo "matrix.sh: docs/interop.md updated from interop/target/interop-results/*.tsv" \
  "(Maven exit status $status)"
exit "$status"
