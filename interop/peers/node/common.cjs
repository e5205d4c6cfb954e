// Shared by the Node.js interop peers (grpc-js, connect-es): flags, where the test protos and
// certs are, and payload checks. CommonJS, so both the CommonJS grpc-js scripts and the ES-module
// connect-es scripts can load it.
'use strict';
const fs = require('fs');
const path = require('path');

/** Parses --name=value flags (the form of every gRPC interop program); exits 2 on a bad one. */
function parseFlags(argv, known, usage) {
  const flags = {};
  for (const arg of argv) {
    const match = /^--([a-z_]+)=(.*)$/s.exec(arg);
    if (arg === '--help' || arg === '-h') usageError('', usage);
    if (!match) usageError(`flags take the form --name=value, got '${arg}'`, usage);
    if (!known.includes(match[1])) usageError(`unknown flag --${match[1]}`, usage);
    if (match[1] in flags) usageError(`flag --${match[1]} given twice`, usage);
    flags[match[1]] = match[2];
  }
  return flags;
}

function usageError(message, usage) {
  if (message) console.error(message);
  console.error(usage);
  process.exit(2);
}

function bool(flags, name, fallback, usage) {
  const value = flags[name];
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return usageError(`--${name} takes true or false, got '${value}'`, usage);
}

function port(flags, name, fallback, usage) {
  const value = flags[name];
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    return usageError(`--${name}=${value} is not a port number`, usage);
  }
  return Number(value);
}

/**
 * The first of `relatives` that exists in this file's folder or one of its ancestors. This file
 * is interop/peers/node/common.cjs, or its copy interop/target/node/peers/common.cjs; the build
 * leaves the protos in interop/target/protos and the certs in interop/target/classes/certs.
 */
function findUp(relatives) {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    for (const relative of relatives) {
      const candidate = path.join(dir, relative);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** The folder holding grpc/testing/test.proto: --protos_dir, else found near this script. */
function protosDir(flags) {
  const dir =
    flags.protos_dir ||
    findUp(['protos/grpc/testing/test.proto', 'target/protos/grpc/testing/test.proto']);
  if (!dir) throw new Error('cannot find grpc/testing/test.proto: pass --protos_dir=DIR');
  return flags.protos_dir ? dir : path.resolve(dir, '../../..');
}

/** gRPC's test certs (ca.pem, server1.pem, server1.key): --certs_dir, else found near here. */
function certsDir(flags) {
  const dir = flags.certs_dir || findUp(['classes/certs/ca.pem', 'target/classes/certs/ca.pem']);
  if (!dir) throw new Error('cannot find the test certs (ca.pem): pass --certs_dir=DIR');
  return flags.certs_dir ? dir : path.dirname(dir);
}

/** The soak flags of interop-test-descriptions.md (rpc_soak, channel_soak). */
const SOAK_FLAGS = [
  'soak_iterations',
  'soak_max_failures',
  'soak_per_iteration_max_acceptable_latency_ms',
  'soak_overall_timeout_seconds',
  'soak_min_time_ms_between_rpcs',
  'soak_request_size',
  'soak_response_size',
];

function count(flags, name, fallback, usage) {
  const value = flags[name];
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return usageError(`--${name} takes a whole number, got '${value}'`, usage);
  return Number(value);
}

/**
 * The soak flags with the spec's defaults: 10 iterations, no failure allowed, 1000 ms per
 * iteration, an overall timeout of iterations times that limit, no pause between calls, requests
 * of 271828 bytes and responses of 314159.
 */
function soakFlags(flags, usage) {
  const iterations = count(flags, 'soak_iterations', 10, usage);
  const maxLatencyMs = count(flags, 'soak_per_iteration_max_acceptable_latency_ms', 1000, usage);
  return {
    iterations,
    maxFailures: count(flags, 'soak_max_failures', 0, usage),
    maxLatencyMs,
    overallTimeoutSeconds: count(
      flags,
      'soak_overall_timeout_seconds',
      Math.max(1, Math.ceil((iterations * maxLatencyMs) / 1000)),
      usage
    ),
    minTimeMsBetweenRpcs: count(flags, 'soak_min_time_ms_between_rpcs', 0, usage),
    requestSize: count(flags, 'soak_request_size', 271828, usage),
    responseSize: count(flags, 'soak_response_size', 314159, usage),
  };
}

/** The line a soak case ends with: iterations, failures and latency percentiles. */
function soakSummary(name, soak, completed, failures, latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p) => {
    if (!sorted.length) return '-';
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[index].toFixed(1);
  };
  return (
    `${name}: ${completed} of ${soak.iterations} iterations completed, ${failures} failed` +
    ` (at most ${soak.maxFailures} allowed); latency ms median ${percentile(50)},` +
    ` p90 ${percentile(90)}, max ${percentile(100)}`
  );
}

/**
 * The loop of rpc_soak and channel_soak: soak.iterations calls in sequence, paced by
 * soak.minTimeMsBetweenRpcs and cut short by the overall timeout. `iterate(timeoutMs)` makes one
 * call and resolves to { peer, close }: the latency is measured when it resolves, then close() runs
 * (uncounted). An iteration fails when `iterate` throws (described by `describeError`) or takes
 * longer than soak.maxLatencyMs. Logs one line per iteration and returns the counts and the
 * summary line.
 */
async function soakLoop(soak, name, defaultPeer, iterate, describeError) {
  const start = performance.now();
  const overallDeadline = start + soak.overallTimeoutSeconds * 1000;
  const latencies = [];
  let completed = 0;
  let failures = 0;
  let nextStart = start;
  for (let i = 0; i < soak.iterations; i++) {
    const wait = nextStart - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() >= overallDeadline) break;
    const begin = performance.now();
    nextStart = begin + soak.minTimeMsBetweenRpcs;
    let failure = null;
    let elapsed;
    let peer = defaultPeer;
    let close = null;
    try {
      const result = await iterate(Math.max(1, Math.floor(overallDeadline - begin)));
      elapsed = performance.now() - begin;
      close = result.close;
      if (result.peer) peer = result.peer;
      if (elapsed > soak.maxLatencyMs) {
        failure = `latency ${Math.round(elapsed)} ms exceeds ${soak.maxLatencyMs} ms`;
      }
    } catch (e) {
      elapsed = performance.now() - begin;
      failure = describeError(e);
    } finally {
      if (close) close();
    }
    completed++;
    latencies.push(elapsed);
    const line = `soak iteration: ${i} elapsed_ms: ${Math.round(elapsed)} peer: ${peer}`;
    if (failure === null) {
      console.log(`${line} succeeded`);
    } else {
      failures++;
      console.log(`${line} failed: ${failure}`);
    }
  }
  return { completed, failures, summary: soakSummary(name, soak, completed, failures, latencies) };
}

/** Every byte of `buffer` is zero. */
function allZero(buffer) {
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] !== 0) return false;
  }
  return true;
}

module.exports = {
  parseFlags,
  bool,
  port,
  protosDir,
  certsDir,
  allZero,
  usageError,
  SOAK_FLAGS,
  soakFlags,
  soakLoop,
  soakSummary,
};
