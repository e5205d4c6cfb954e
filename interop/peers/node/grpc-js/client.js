// The grpc-js interop client: runs one case of gRPC's interop-test-descriptions.md against a
// server and checks everything the case says the client asserts.
//
//   node client.js --server_host=H --server_port=N --test_case=NAME [--use_tls=BOOL]
//       [--use_test_ca=BOOL] [--server_host_override=NAME] [--protos_dir=DIR] [--certs_dir=DIR]
//       [--soak_iterations=N ... (the spec's soak flags, for rpc_soak and channel_soak)]
//
// Exit status: 0 passed, 1 failed, 2 bad flags. Lines starting "note: " say what was not checked.
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const common = require('./common');

const USAGE =
  'usage: node client.js --server_host=HOST --server_port=PORT --test_case=NAME\n' +
  '         [--use_tls=true|false] [--use_test_ca=true|false] [--server_host_override=NAME]\n' +
  '         [--protos_dir=DIR] [--certs_dir=DIR] [--soak_*=N]';
const FLAGS = [
  ...common.SOAK_FLAGS,
  'server_host',
  'server_port',
  'server_host_override',
  'test_case',
  'use_tls',
  'use_test_ca',
  'protos_dir',
  'certs_dir',
  // Accepted for compatibility with interop runners; only the cloud-to-prod cases use them.
  'default_service_account',
  'oauth_scope',
  'service_account_key_file',
];

/** grpc-js's WriteFlags.NoCompress (call-interface.d.ts), a const enum it does not export. */
const WRITE_NO_COMPRESS = 2;

/** Every call but timeout_on_sleeping_server gets this deadline, so a hung call fails. */
const CALL_TIMEOUT_MS = 30000;

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE =
  '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';

const notes = [];

// -------------------------------------------------------------------------------------------------
// Checks

function check(condition, failure) {
  if (!condition) throw new Error(failure);
}

function checkPayload(payload, size, what) {
  check(payload, `${what}: no payload`);
  check(payload.type === 'COMPRESSABLE', `${what}: payload type is ${payload.type}, expected COMPRESSABLE`);
  check(
    payload.body.length === size,
    `${what}: payload body is ${payload.body.length} bytes, expected ${size}`
  );
  check(common.allZero(payload.body), `${what}: payload body is not all zeros`);
}

function checkResponses(responses, sizes) {
  const actual = responses.map((r) => (r.payload ? r.payload.body.length : 'no payload'));
  check(
    responses.length === sizes.length,
    `got ${responses.length} responses sized [${actual}], expected exactly ${sizes.length} sized [${sizes}]`
  );
  responses.forEach((r, i) => checkPayload(r.payload, sizes[i], `response ${i + 1}`));
}

/** A grpc-js ServiceError: the call failed with a status. */
function isStatusError(e) {
  return e && typeof e.code === 'number' && 'details' in e;
}

/** Runs `call`, which must fail with a status; returns the error. */
async function expectFailure(what, call) {
  try {
    await call();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error(`${what}: succeeded, but it must fail with a status`);
}

function codeName(code) {
  return `${grpc.status[code]} (${code})`;
}

function checkCode(error, expected, what) {
  check(
    error.code === expected,
    `${what}: status is ${codeName(error.code)} "${error.details}", expected ${codeName(expected)}`
  );
}

function checkStatus(error, code, message, what) {
  checkCode(error, code, what);
  check(
    error.details === message,
    `${what}: status message is ${JSON.stringify(error.details)}, expected ${JSON.stringify(message)}`
  );
}

function checkEchoed(headers, trailers, what) {
  check(headers, `${what}: no response headers were received`);
  check(trailers, `${what}: no trailers were received`);
  const initial = headers.get(ECHO_INITIAL_KEY);
  check(
    initial.length === 1 && initial[0] === ECHO_INITIAL_VALUE,
    `${what}: response headers carry ${ECHO_INITIAL_KEY}=${JSON.stringify(initial)}, expected ` +
      `["${ECHO_INITIAL_VALUE}"] (headers: ${JSON.stringify(headers.toJSON())})`
  );
  const trailing = trailers.get(ECHO_TRAILING_KEY);
  check(
    trailing.length === 1 && Buffer.isBuffer(trailing[0]) && trailing[0].equals(ECHO_TRAILING_VALUE),
    `${what}: trailers carry ${ECHO_TRAILING_KEY}=` +
      `[${trailing.map((v) => (Buffer.isBuffer(v) ? '0x' + v.toString('hex') : v))}],` +
      ` expected [0xababab] (trailers: ${JSON.stringify(trailers.toJSON())})`
  );
}

// -------------------------------------------------------------------------------------------------
// Calls

function deadline(ms = CALL_TIMEOUT_MS) {
  return new Date(Date.now() + ms);
}

/** A unary call as a promise; resolves {response, headers, trailers}, rejects a ServiceError. */
function unary(client, method, request, { metadata = new grpc.Metadata(), ms } = {}) {
  return new Promise((resolve, reject) => {
    let headers = null;
    let response;
    let callError;
    const call = client[method](request, metadata, { deadline: deadline(ms) }, (error, value) => {
      callError = error;
      response = value;
    });
    call.on('metadata', (m) => (headers = m));
    // 'status' follows the callback and carries the trailers, for success and failure alike.
    call.on('status', (status) => {
      if (callError) reject(callError);
      else resolve({ response, headers, trailers: status.metadata, peer: call.getPeer() });
    });
  });
}

/**
 * Reads a streaming call's responses one at a time: next() resolves the next message, or null at
 * the end of a call that ended OK; it rejects with the ServiceError of a call that failed.
 */
class Reader {
  constructor(call) {
    this.queue = [];
    this.waiting = null;
    this.headers = null;
    this.trailers = null;
    this.ended = false;
    this.error = null;
    call.on('metadata', (m) => (this.headers = m));
    call.on('data', (message) => this.push({ message }));
    call.on('error', (error) => {
      this.error = error;
      this.push({ error });
    });
    call.on('status', (status) => {
      this.trailers = status.metadata;
      if (status.code === grpc.status.OK) this.push({ end: true });
    });
  }

  push(item) {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(item);
    } else {
      this.queue.push(item);
    }
  }

  async next() {
    const item = this.queue.length ? this.queue.shift() : await new Promise((r) => (this.waiting = r));
    if (item.error) throw item.error;
    if (item.end) {
      this.queue.unshift(item); // stays at the end
      return null;
    }
    return item.message;
  }

  /** Every remaining message, until the call ends OK. */
  async rest() {
    const messages = [];
    for (let m = await this.next(); m !== null; m = await this.next()) messages.push(m);
    return messages;
  }
}

/** A client-streaming call: returns {call, done}, done resolving the response. */
function clientStreaming(client, method, { metadata = new grpc.Metadata() } = {}) {
  let call;
  const done = new Promise((resolve, reject) => {
    call = client[method](metadata, { deadline: deadline() }, (error, value) =>
      error ? reject(error) : resolve(value)
    );
  });
  return { call, done };
}

// -------------------------------------------------------------------------------------------------
// Requests

function zeros(size) {
  return { type: 'COMPRESSABLE', body: Buffer.alloc(size) };
}

/** {response_size: 314159, payload: {body: 271828 zeros}}. */
function largeRequest(extra = {}) {
  return { response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828), ...extra };
}

function outputRequest(responseSize, payloadSize) {
  return {
    response_type: 'COMPRESSABLE',
    response_parameters: [{ size: responseSize }],
    payload: zeros(payloadSize),
  };
}

// -------------------------------------------------------------------------------------------------
// Test cases

function cases(testing, makeClient, soak, target) {
  const client = makeClient(testing.TestService, {});
  const gzipOptions = { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip };

  return {
    async empty_unary() {
      const { response } = await unary(client, 'emptyCall', {});
      check(response, 'EmptyCall returned no response');
      const serialize = testing.TestService.service.EmptyCall.responseSerialize;
      const size = serialize(response).length;
      check(size === 0, `EmptyCall response serializes to ${size} bytes, expected 0`);
    },

    async large_unary() {
      const { response } = await unary(client, 'unaryCall', largeRequest());
      checkPayload(response.payload, 314159, 'UnaryCall response');
    },

    async client_compressed_unary() {
      // grpc-js compresses per channel ('grpc.default_compression_algorithm'): the compressed
      // call goes through a second channel that sends gzip; the others are not compressed.
      const gzipClient = makeClient(testing.TestService, gzipOptions);
      const probe = await expectFailure('probe: uncompressed UnaryCall with expect_compressed=true', () =>
        unary(client, 'unaryCall', largeRequest({ expect_compressed: { value: true } }))
      );
      checkCode(probe, grpc.status.INVALID_ARGUMENT, 'probe: uncompressed UnaryCall');

      const compressed = await unary(gzipClient, 'unaryCall', largeRequest({ expect_compressed: { value: true } }));
      checkPayload(compressed.response.payload, 314159, 'compressed UnaryCall response');

      const uncompressed = await unary(client, 'unaryCall', largeRequest({ expect_compressed: { value: false } }));
      checkPayload(uncompressed.response.payload, 314159, 'uncompressed UnaryCall response');
      gzipClient.close();
    },

    async server_compressed_unary() {
      for (const compress of [true, false]) {
        const { response } = await unary(
          client,
          'unaryCall',
          largeRequest({ response_compressed: { value: compress } })
        );
        checkPayload(response.payload, 314159, `UnaryCall response (response_compressed=${compress})`);
      }
      notes.push(
        "the Compressed-Flag of the responses was not checked: grpc-js's client API does not expose" +
          ' it (the spec allows this: "some languages may not have access to the message flags")'
      );
    },

    async client_streaming() {
      const { call, done } = clientStreaming(client, 'streamingInputCall');
      for (const size of [27182, 8, 1828, 45904]) call.write({ payload: zeros(size) });
      call.end();
      const response = await done;
      check(
        response.aggregated_payload_size === 74922,
        `aggregated_payload_size is ${response.aggregated_payload_size}, expected 74922`
      );
    },

    async client_compressed_streaming() {
      const probe = await expectFailure(
        'probe: uncompressed StreamingInputCall message with expect_compressed=true',
        () => {
          const { call, done } = clientStreaming(client, 'streamingInputCall');
          call.write({ payload: zeros(27182), expect_compressed: { value: true } });
          call.end();
          return done;
        }
      );
      checkCode(probe, grpc.status.INVALID_ARGUMENT, 'probe: uncompressed StreamingInputCall');

      // A gzip channel compresses every message, but for one written with WriteFlags.NoCompress.
      const gzipClient = makeClient(testing.TestService, gzipOptions);
      const { call, done } = clientStreaming(gzipClient, 'streamingInputCall');
      call.write({ payload: zeros(27182), expect_compressed: { value: true } });
      call.write({ payload: zeros(45904), expect_compressed: { value: false } }, WRITE_NO_COMPRESS);
      call.end();
      const response = await done;
      check(
        response.aggregated_payload_size === 73086,
        `aggregated_payload_size is ${response.aggregated_payload_size}, expected 73086`
      );
      gzipClient.close();
    },

    async server_streaming() {
      const sizes = [31415, 9, 2653, 58979];
      const call = client.streamingOutputCall(
        { response_type: 'COMPRESSABLE', response_parameters: sizes.map((size) => ({ size })) },
        { deadline: deadline() }
      );
      checkResponses(await new Reader(call).rest(), sizes);
    },

    async server_compressed_streaming() {
      const call = client.streamingOutputCall(
        {
          response_type: 'COMPRESSABLE',
          response_parameters: [
            { size: 31415, compressed: { value: true } },
            { size: 92653, compressed: { value: false } },
          ],
        },
        { deadline: deadline() }
      );
      checkResponses(await new Reader(call).rest(), [31415, 92653]);
      notes.push(
        "the Compressed-Flag of the responses was not checked: grpc-js's client API does not expose" +
          ' it (the spec allows this: "some languages may not have access to the message flags")'
      );
    },

    async ping_pong() {
      const requestSizes = [27182, 8, 1828, 45904];
      const responseSizes = [31415, 9, 2653, 58979];
      const call = client.fullDuplexCall({ deadline: deadline() });
      const reader = new Reader(call);
      const responses = [];
      for (let i = 0; i < requestSizes.length; i++) {
        call.write(outputRequest(responseSizes[i], requestSizes[i]));
        const response = await reader.next();
        check(response, `the stream ended before the reply to request ${i + 1}`);
        checkPayload(response.payload, responseSizes[i], `reply ${i + 1}`);
        responses.push(response);
      }
      call.end();
      const extra = await reader.rest();
      check(extra.length === 0, `got ${extra.length} more responses after half-closing`);
      checkResponses(responses, responseSizes);
    },

    async empty_stream() {
      const call = client.fullDuplexCall({ deadline: deadline() });
      const reader = new Reader(call);
      call.end();
      const responses = await reader.rest();
      check(responses.length === 0, `expected zero responses, got ${responses.length}`);
    },

    async custom_metadata() {
      const metadata = () => {
        const m = new grpc.Metadata();
        m.set(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
        m.set(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
        return m;
      };

      // 1. UnaryCall
      const unaryResult = await unary(client, 'unaryCall', largeRequest(), { metadata: metadata() });
      checkPayload(unaryResult.response.payload, 314159, 'UnaryCall response');
      checkEchoed(unaryResult.headers, unaryResult.trailers, 'UnaryCall');

      // 2. FullDuplexCall
      const call = client.fullDuplexCall(metadata(), { deadline: deadline() });
      const reader = new Reader(call);
      call.write(outputRequest(314159, 271828));
      call.end();
      checkResponses(await reader.rest(), [314159]);
      checkEchoed(reader.headers, reader.trailers, 'FullDuplexCall');
    },

    async status_code_and_message() {
      const echo = { code: 2, message: 'test status message' };
      const unaryError = await expectFailure('UnaryCall with response_status', () =>
        unary(client, 'unaryCall', { response_status: echo })
      );
      checkStatus(unaryError, echo.code, echo.message, 'UnaryCall');

      const duplexError = await expectFailure('FullDuplexCall with response_status', async () => {
        const call = client.fullDuplexCall({ deadline: deadline() });
        const reader = new Reader(call);
        call.write({ response_status: echo });
        call.end();
        const responses = await reader.rest();
        check(responses.length === 0, `expected no response, got ${responses.length}`);
      });
      checkStatus(duplexError, echo.code, echo.message, 'FullDuplexCall');
    },

    async special_status_message() {
      const echo = { code: 2, message: SPECIAL_STATUS_MESSAGE };
      const error = await expectFailure('UnaryCall with response_status', () =>
        unary(client, 'unaryCall', { response_status: echo })
      );
      checkStatus(error, echo.code, echo.message, 'UnaryCall');
    },

    async unimplemented_method() {
      const error = await expectFailure('grpc.testing.TestService/UnimplementedCall', () =>
        unary(client, 'unimplementedCall', {})
      );
      checkCode(error, grpc.status.UNIMPLEMENTED, 'grpc.testing.TestService/UnimplementedCall');
    },

    async unimplemented_service() {
      const other = makeClient(testing.UnimplementedService, {});
      const error = await expectFailure('grpc.testing.UnimplementedService/UnimplementedCall', () =>
        unary(other, 'unimplementedCall', {})
      );
      checkCode(error, grpc.status.UNIMPLEMENTED, 'grpc.testing.UnimplementedService/UnimplementedCall');
      other.close();
    },

    async cancel_after_begin() {
      const error = await expectFailure('StreamingInputCall cancelled before sending', () => {
        const { call, done } = clientStreaming(client, 'streamingInputCall');
        call.cancel();
        return done.then((response) => {
          throw new Error(`the cancelled call completed with a response: ${JSON.stringify(response)}`);
        });
      });
      checkCode(error, grpc.status.CANCELLED, 'StreamingInputCall cancelled before sending');
    },

    async cancel_after_first_response() {
      const error = await expectFailure('FullDuplexCall cancelled after the first response', async () => {
        const call = client.fullDuplexCall({ deadline: deadline() });
        const reader = new Reader(call);
        call.write(outputRequest(31415, 27182));
        const first = await reader.next();
        check(first, 'the stream ended before the first response');
        checkPayload(first.payload, 31415, 'first response');
        call.cancel();
        const after = await reader.next();
        throw new Error(
          `reading after cancel() gave ${after ? 'another response' : 'the end of the stream'}` +
            ' instead of failing with CANCELLED'
        );
      });
      checkCode(error, grpc.status.CANCELLED, 'FullDuplexCall cancelled after the first response');
    },

    async timeout_on_sleeping_server() {
      const error = await expectFailure('FullDuplexCall with a 1 ms timeout', async () => {
        const call = client.fullDuplexCall({ deadline: deadline(1) });
        const reader = new Reader(call);
        call.write({ payload: zeros(27182) });
        const response = await reader.next();
        throw new Error(
          `reading gave ${response ? 'a response' : 'the end of the stream'}` +
            ' instead of failing with DEADLINE_EXCEEDED'
        );
      });
      checkCode(error, grpc.status.DEADLINE_EXCEEDED, 'FullDuplexCall with a 1 ms timeout');
    },

    async very_large_request() {
      const request = { response_type: 'COMPRESSABLE', response_size: 10, payload: zeros(10 * 1024 * 1024) };
      const { response } = await unary(client, 'unaryCall', request);
      checkPayload(response.payload, 10, 'UnaryCall response to a 10 MiB request');
    },

    async cacheable_unary() {
      // The spec's procedure. grpc-js cannot mark a call cacheable (it has no GET requests), so
      // both calls go out as POST, and only a cache in front of the server could make the two
      // payloads equal.
      const now = Buffer.from(process.hrtime.bigint().toString());
      const request = { response_type: 'COMPRESSABLE', payload: { type: 'COMPRESSABLE', body: now } };
      const metadata = () => {
        const m = new grpc.Metadata();
        m.set('x-user-ip', '1.2.3.4');
        return m;
      };
      const first = await unary(client, 'cacheableUnaryCall', request, { metadata: metadata() });
      const second = await unary(client, 'cacheableUnaryCall', request, { metadata: metadata() });
      const cacheControl = first.headers ? first.headers.get('cache-control') : [];
      const a = first.response.payload.body;
      const b = second.response.payload.body;
      check(
        a.equals(b),
        `CacheableUnaryCall: the two payloads differ (${a} and ${b}, cache-control ` +
          `${JSON.stringify(cacheControl)}): no cache answered the second call (grpc-js sent both as POST)`
      );
    },

    async pick_first_unary() {
      // One channel with grpc-js's pick_first policy (its default, set in the service config).
      const pickFirst = makeClient(testing.TestService, {
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }),
      });
      const request = { response_type: 'COMPRESSABLE', response_size: 1, payload: zeros(1), fill_server_id: true };
      let serverId = null;
      let hostname = '';
      for (let i = 1; i <= 100; i++) {
        const { response } = await unary(pickFirst, 'unaryCall', request);
        checkPayload(response.payload, 1, `UnaryCall ${i} response`);
        check(
          response.server_id,
          `UnaryCall ${i} of 100: server_id is empty although fill_server_id is set, so the server` +
            ' that answered cannot be identified'
        );
        if (serverId === null) {
          serverId = response.server_id;
          hostname = response.hostname;
        } else {
          check(
            response.server_id === serverId,
            `UnaryCall ${i} of 100 went to server_id "${response.server_id}", the first to "${serverId}"`
          );
        }
      }
      notes.push(`all 100 calls were answered by server_id "${serverId}"${hostname ? ` on host "${hostname}"` : ''}`);
    },

    async rpc_soak() {
      await soakTest(soak, 'rpc_soak', target, async () => ({ client, close() {} }));
    },

    async channel_soak() {
      // A client of its own per iteration, with a subchannel pool of its own: a new connection.
      await soakTest(soak, 'channel_soak', target, async () => {
        const own = new testing.TestService(target, ...makeClient.settings({ 'grpc.use_local_subchannel_pool': 1 }));
        return { client: own, close: () => own.close() };
      });
    },
  };
}

/**
 * rpc_soak and channel_soak: soak.iterations large unary calls in sequence, each on the client
 * `open` gives (the same one for rpc_soak, a new one for channel_soak; its creation counted in the
 * latency, its close not). An iteration fails on a non-OK status, a wrong payload or a latency over
 * the limit; the case fails if more than soak.maxFailures do, or if the overall timeout cuts the
 * loop short. No per-call deadline but the overall time left.
 */
async function soakTest(soak, name, target, open) {
  const request = {
    response_type: 'COMPRESSABLE',
    response_size: soak.responseSize,
    payload: zeros(soak.requestSize),
  };
  const { completed, failures, summary } = await common.soakLoop(
    soak,
    name,
    target,
    async (timeoutMs) => {
      const opened = await open();
      try {
        const { response, peer } = await unary(opened.client, 'unaryCall', request, { ms: timeoutMs });
        checkPayload(response.payload, soak.responseSize, 'UnaryCall response');
        return { peer, close: opened.close };
      } catch (e) {
        opened.close();
        throw e;
      }
    },
    (e) => (isStatusError(e) ? `status ${codeName(e.code)}: ${JSON.stringify(e.details)}` : e.message)
  );
  console.log(summary);
  check(completed === soak.iterations, `${summary}: soak_overall_timeout_seconds=${soak.overallTimeoutSeconds} ran out`);
  check(failures <= soak.maxFailures, summary);
  notes.push(summary);
}

// -------------------------------------------------------------------------------------------------

async function main() {
  const flags = common.parseFlags(process.argv.slice(2), FLAGS, USAGE);
  const host = flags.server_host || 'localhost';
  const serverPort = common.port(flags, 'server_port', 8080, USAGE);
  const override = flags.server_host_override || '';
  const testCase = flags.test_case || 'empty_unary';
  const useTls = common.bool(flags, 'use_tls', false, USAGE);
  const useTestCa = common.bool(flags, 'use_test_ca', false, USAGE);
  if (serverPort === 0) common.usageError('--server_port must not be 0', USAGE);

  const credentials = useTls
    ? grpc.credentials.createSsl(
        useTestCa ? fs.readFileSync(path.join(common.certsDir(flags), 'ca.pem')) : null
      )
    : grpc.credentials.createInsecure();
  const baseOptions = {};
  if (override) {
    baseOptions['grpc.default_authority'] = `${override}:${serverPort}`;
    if (useTls) baseOptions['grpc.ssl_target_name_override'] = override;
  }
  const target = `${host}:${serverPort}`;
  const clients = [];
  const makeClient = (Service, options) => {
    const client = new Service(target, credentials, { ...baseOptions, ...options });
    clients.push(client);
    return client;
  };
  /** The constructor arguments after the target, for a client the caller closes itself. */
  makeClient.settings = (options) => [credentials, { ...baseOptions, ...options }];

  const testing = common.loadTestingPackage(grpc, flags);
  const soak = common.soakFlags(flags, USAGE);
  const all = cases(testing, makeClient, soak, target);
  const body = all[testCase];
  if (!body) common.usageError(`unknown --test_case=${testCase}; known: ${Object.keys(all)}`, USAGE);

  const where = `${target}${useTls ? ' (TLS)' : ' (plaintext)'}`;
  try {
    await body();
    for (const note of notes) console.log(`note: ${note}`);
    console.log(`PASSED ${testCase} against ${where}`);
    clients.forEach((c) => c.close());
    process.exit(0);
  } catch (e) {
    const status = isStatusError(e) ? ` [status ${codeName(e.code)}: ${JSON.stringify(e.details)}]` : '';
    console.error(`FAILED ${testCase} against ${where}: ${e.message}${status}`);
    if (e.stack && !isStatusError(e)) console.error(e.stack);
    process.exit(1);
  }
}

main();
