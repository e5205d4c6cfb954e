// The connect-es interop client: runs one case of gRPC's interop-test-descriptions.md against a
// server with one of connect-node's transports (gRPC, gRPC-Web or the Connect protocol; HTTP/1.1
// or HTTP/2; binary or JSON), and checks everything the case says the client asserts.
//
//   node client.js --server_host=H --server_port=N --test_case=NAME [--use_tls=BOOL]
//       [--use_test_ca=BOOL] [--server_host_override=NAME] [--certs_dir=DIR]
//       [--protocol=grpc|grpc-web|connect] [--http_version=1.1|2] [--use_json=BOOL]
//       [--soak_iterations=N ... (the spec's soak flags, for rpc_soak and channel_soak)]
//
// Exit status: 0 passed, 1 failed, 2 bad flags, 3 the case cannot be expressed with connect-es
// in the chosen protocol and HTTP version. Lines starting "note: " say what was not checked or
// what differed from the spec's gRPC procedure.
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createClient,
  decodeBinaryHeader,
  encodeBinaryHeader,
} from '@connectrpc/connect';
import {
  Http2SessionManager,
  compressionGzip,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import common from '../common.cjs';
import { EmptySchema, PayloadType, TestService, UnimplementedService } from './gen.js';

const USAGE =
  'usage: node client.js --server_host=HOST --server_port=PORT --test_case=NAME\n' +
  '         [--use_tls=true|false] [--use_test_ca=true|false] [--server_host_override=NAME]\n' +
  '         [--certs_dir=DIR] [--protocol=grpc|grpc-web|connect] [--http_version=1.1|2]\n' +
  '         [--use_json=true|false] [--soak_*=N]';
const FLAGS = [
  ...common.SOAK_FLAGS,
  'server_host',
  'server_port',
  'server_host_override',
  'test_case',
  'use_tls',
  'use_test_ca',
  'certs_dir',
  'protocol',
  'http_version',
  'use_json',
  // Accepted for compatibility with interop runners; only the cloud-to-prod cases use them.
  'default_service_account',
  'oauth_scope',
  'service_account_key_file',
];
const EXIT_UNSUPPORTED = 3;

/** connect-node's transport for each --protocol. */
const TRANSPORTS = {
  grpc: createGrpcTransport,
  'grpc-web': createGrpcWebTransport,
  connect: createConnectTransport,
};
const HTTP_VERSIONS = ['1.1', '2'];

/**
 * Why a case that needs FullDuplexCall to be full duplex cannot run over HTTP/1.1: a request body
 * and its response cannot be relied on to flow at the same time there, so connect-es's own server
 * answers a bidi-streaming call over HTTP/1.x with 505 HTTP Version Not Supported.
 */
const NO_BIDI_OVER_HTTP1 =
  'FullDuplexCall is bidirectional streaming, which needs HTTP/2: over HTTP/1.1 a request body' +
  " and its response cannot be relied on to flow at once (connect-es's own server answers a" +
  ' bidi-streaming call over HTTP/1.x with 505 HTTP Version Not Supported)';

/** Where each protocol carries trailing metadata, for custom_metadata's note. */
const TRAILER_NOTES = {
  grpc: '',
  'grpc-web': "gRPC-Web: the trailing metadata arrived in the response body's trailers frame (flag 0x80)",
  connect:
    'Connect: the unary call\'s trailing metadata arrived as "trailer-"-prefixed response headers,' +
    " the streaming call's in the end-of-stream message",
};

/** How long timeout_on_sleeping_server's stand-in over HTTP/1.1 has the server wait: 2 s. */
const SLEEPING_INTERVAL_US = 2_000_000;

/** Every call but timeout_on_sleeping_server gets this deadline, so a hung call fails. */
const CALL_TIMEOUT_MS = 30000;

/** very_large_request's guard against a hung call (see there). */
const LARGE_CALL_TIMEOUT_MS = 120000;

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = new Uint8Array([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE =
  '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';

const notes = [];

/** Thrown by a case connect-es cannot express. */
class Unsupported extends Error {}

// -------------------------------------------------------------------------------------------------
// Checks

function check(condition, failure) {
  if (!condition) throw new Error(failure);
}

function checkPayload(payload, size, what) {
  check(payload, `${what}: no payload`);
  check(
    payload.type === PayloadType.COMPRESSABLE,
    `${what}: payload type is ${PayloadType[payload.type] ?? payload.type}, expected COMPRESSABLE`
  );
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

/** Runs `call`, which must fail with a status (a ConnectError); returns the error. */
async function expectFailure(what, call) {
  try {
    await call();
  } catch (e) {
    if (e instanceof ConnectError) return e;
    throw e;
  }
  throw new Error(`${what}: succeeded, but it must fail with a status`);
}

function codeName(code) {
  return `${Code[code]} (${code})`;
}

function checkCode(error, expected, what) {
  check(
    error.code === expected,
    `${what}: status is ${codeName(error.code)} ${JSON.stringify(error.rawMessage)},` +
      ` expected ${codeName(expected)}`
  );
}

function checkStatus(error, code, message, what) {
  checkCode(error, code, what);
  check(
    error.rawMessage === message,
    `${what}: status message is ${JSON.stringify(error.rawMessage)}, expected ${JSON.stringify(message)}`
  );
}

function headersText(headers) {
  return JSON.stringify(headers ? Object.fromEntries(headers.entries()) : null);
}

function checkEchoed(headers, trailers, what) {
  check(headers, `${what}: no response headers were received`);
  check(trailers, `${what}: no trailers were received`);
  const initial = headers.get(ECHO_INITIAL_KEY);
  check(
    initial === ECHO_INITIAL_VALUE,
    `${what}: response headers carry ${ECHO_INITIAL_KEY}=${JSON.stringify(initial)}, expected ` +
      `"${ECHO_INITIAL_VALUE}" (headers: ${headersText(headers)})`
  );
  const trailing = trailers.get(ECHO_TRAILING_KEY);
  const bytes = trailing === null ? null : decodeBinaryHeader(trailing);
  check(
    bytes !== null && Buffer.from(bytes).equals(Buffer.from(ECHO_TRAILING_VALUE)),
    `${what}: trailers carry ${ECHO_TRAILING_KEY}=` +
      `${bytes === null ? 'nothing' : '0x' + Buffer.from(bytes).toString('hex')},` +
      ` expected 0xababab (trailers: ${headersText(trailers)})`
  );
}

// -------------------------------------------------------------------------------------------------
// Streams

/**
 * A request stream the test writes to as it goes: an AsyncIterable that yields what push() was
 * given and ends at end(). `pulled` resolves once the transport first asks for a message, that is
 * once the call has started.
 */
class RequestStream {
  constructor() {
    this.messages = [];
    this.ended = false;
    this.wake = null;
    this.pulled = new Promise((resolve) => (this.onPull = resolve));
  }

  push(message) {
    this.messages.push(message);
    this.notify();
  }

  end() {
    this.ended = true;
    this.notify();
  }

  notify() {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      this.onPull();
      if (this.messages.length) {
        yield this.messages.shift();
      } else if (this.ended) {
        return;
      } else {
        await new Promise((resolve) => (this.wake = resolve));
      }
    }
  }
}

/** The messages as an AsyncIterable, the form connect-es takes a request stream in. */
async function* stream(messages) {
  yield* messages;
}

/** Collects every message of an AsyncIterable. */
async function all(iterable) {
  const messages = [];
  for await (const message of iterable) messages.push(message);
  return messages;
}

// -------------------------------------------------------------------------------------------------
// Requests

function zeros(size) {
  return { type: PayloadType.COMPRESSABLE, body: new Uint8Array(size) };
}

/** {response_size: 314159, payload: {body: 271828 zeros}}. */
function largeRequest(extra = {}) {
  return {
    responseType: PayloadType.COMPRESSABLE,
    responseSize: 314159,
    payload: zeros(271828),
    ...extra,
  };
}

function outputRequest(responseSize, payloadSize) {
  return {
    responseType: PayloadType.COMPRESSABLE,
    responseParameters: [{ size: responseSize }],
    payload: zeros(payloadSize),
  };
}

// -------------------------------------------------------------------------------------------------
// Test cases

function cases(makeTransport, soak, where, mode) {
  const client = createClient(TestService, makeTransport({}));
  const options = (extra = {}) => ({ timeoutMs: CALL_TIMEOUT_MS, ...extra });
  const http1 = mode.httpVersion === '1.1';
  const requireFullDuplex = () => {
    if (http1) throw new Unsupported(NO_BIDI_OVER_HTTP1);
  };
  /** Over HTTP/1.1 a case's FullDuplexCall half runs as a StreamingOutputCall, and says so. */
  const streamingStandIn = (what) =>
    notes.push(
      `over HTTP/1.1 the ${what} ran as a StreamingOutputCall instead of a FullDuplexCall` +
        ` (${NO_BIDI_OVER_HTTP1})`
    );

  return {
    async empty_unary() {
      const response = await client.emptyCall({}, options());
      check(response, 'EmptyCall returned no response');
      const size = toBinary(EmptySchema, response).length;
      check(size === 0, `EmptyCall response serializes to ${size} bytes, expected 0`);
    },

    async large_unary() {
      const response = await client.unaryCall(largeRequest(), options());
      checkPayload(response.payload, 314159, 'UnaryCall response');
    },

    async client_compressed_unary() {
      // connect-es compresses per transport (sendCompression): the compressed call goes through a
      // second transport that sends gzip; the others are not compressed.
      const gzipClient = createClient(
        TestService,
        makeTransport({ sendCompression: compressionGzip, compressMinBytes: 0 })
      );
      const probe = await expectFailure('probe: uncompressed UnaryCall with expect_compressed=true', () =>
        client.unaryCall(largeRequest({ expectCompressed: { value: true } }), options())
      );
      checkCode(probe, Code.InvalidArgument, 'probe: uncompressed UnaryCall');

      const compressed = await gzipClient.unaryCall(
        largeRequest({ expectCompressed: { value: true } }),
        options()
      );
      checkPayload(compressed.payload, 314159, 'compressed UnaryCall response');

      const uncompressed = await client.unaryCall(
        largeRequest({ expectCompressed: { value: false } }),
        options()
      );
      checkPayload(uncompressed.payload, 314159, 'uncompressed UnaryCall response');
    },

    async server_compressed_unary() {
      for (const compress of [true, false]) {
        const response = await client.unaryCall(
          largeRequest({ responseCompressed: { value: compress } }),
          options()
        );
        checkPayload(response.payload, 314159, `UnaryCall response (response_compressed=${compress})`);
      }
      notes.push(
        "the Compressed-Flag of the responses was not checked: connect-es's client API does not" +
          ' expose it (the spec allows this: "some languages may not have access to the message flags")'
      );
    },

    async client_streaming() {
      const requests = [27182, 8, 1828, 45904].map((size) => ({ payload: zeros(size) }));
      const response = await client.streamingInputCall(stream(requests), options());
      check(
        response.aggregatedPayloadSize === 74922,
        `aggregated_payload_size is ${response.aggregatedPayloadSize}, expected 74922`
      );
    },

    async client_compressed_streaming() {
      throw new Unsupported(
        'connect-es compresses every request message of a call that is at least compressMinBytes' +
          ' long (one threshold per transport), so it cannot send the first message of a stream' +
          ' compressed and the second, larger one uncompressed'
      );
    },

    async server_streaming() {
      const sizes = [31415, 9, 2653, 58979];
      const responses = await all(
        client.streamingOutputCall(
          { responseType: PayloadType.COMPRESSABLE, responseParameters: sizes.map((size) => ({ size })) },
          options()
        )
      );
      checkResponses(responses, sizes);
    },

    async server_compressed_streaming() {
      const responses = await all(
        client.streamingOutputCall(
          {
            responseType: PayloadType.COMPRESSABLE,
            responseParameters: [
              { size: 31415, compressed: { value: true } },
              { size: 92653, compressed: { value: false } },
            ],
          },
          options()
        )
      );
      checkResponses(responses, [31415, 92653]);
      notes.push(
        "the Compressed-Flag of the responses was not checked: connect-es's client API does not" +
          ' expose it (the spec allows this: "some languages may not have access to the message flags")'
      );
    },

    async ping_pong() {
      requireFullDuplex();
      const requestSizes = [27182, 8, 1828, 45904];
      const responseSizes = [31415, 9, 2653, 58979];
      const requests = new RequestStream();
      const replies = client.fullDuplexCall(requests, options())[Symbol.asyncIterator]();
      const responses = [];
      for (let i = 0; i < requestSizes.length; i++) {
        requests.push(outputRequest(responseSizes[i], requestSizes[i]));
        const { value, done } = await replies.next();
        check(!done, `the stream ended before the reply to request ${i + 1}`);
        checkPayload(value.payload, responseSizes[i], `reply ${i + 1}`);
        responses.push(value);
      }
      requests.end();
      const extra = await replies.next();
      check(extra.done, 'got a fifth response after half-closing');
      checkResponses(responses, responseSizes);
    },

    async empty_stream() {
      requireFullDuplex();
      const requests = new RequestStream();
      requests.end();
      const responses = await all(client.fullDuplexCall(requests, options()));
      check(responses.length === 0, `expected zero responses, got ${responses.length}`);
    },

    async custom_metadata() {
      const withMetadata = (received) =>
        options({
          headers: {
            [ECHO_INITIAL_KEY]: ECHO_INITIAL_VALUE,
            [ECHO_TRAILING_KEY]: encodeBinaryHeader(ECHO_TRAILING_VALUE),
          },
          onHeader: (headers) => (received.headers = headers),
          onTrailer: (trailers) => (received.trailers = trailers),
        });

      // 1. UnaryCall
      const unary = {};
      const response = await client.unaryCall(largeRequest(), withMetadata(unary));
      checkPayload(response.payload, 314159, 'UnaryCall response');
      checkEchoed(unary.headers, unary.trailers, 'UnaryCall');

      // 2. FullDuplexCall (a StreamingOutputCall over HTTP/1.1)
      const duplex = {};
      if (http1) {
        streamingStandIn('streaming half of the case');
        const responses = await all(client.streamingOutputCall(outputRequest(314159, 271828), withMetadata(duplex)));
        checkResponses(responses, [314159]);
        checkEchoed(duplex.headers, duplex.trailers, 'StreamingOutputCall');
      } else {
        const requests = new RequestStream();
        requests.push(outputRequest(314159, 271828));
        requests.end();
        checkResponses(await all(client.fullDuplexCall(requests, withMetadata(duplex))), [314159]);
        checkEchoed(duplex.headers, duplex.trailers, 'FullDuplexCall');
      }
      if (TRAILER_NOTES[mode.protocol]) notes.push(TRAILER_NOTES[mode.protocol]);
    },

    async status_code_and_message() {
      const echo = { code: 2, message: 'test status message' };
      const unaryError = await expectFailure('UnaryCall with response_status', () =>
        client.unaryCall({ responseStatus: echo }, options())
      );
      checkStatus(unaryError, echo.code, echo.message, 'UnaryCall');

      const streaming = http1 ? 'StreamingOutputCall' : 'FullDuplexCall';
      if (http1) streamingStandIn('streaming half of the case');
      const streamError = await expectFailure(`${streaming} with response_status`, async () => {
        let responses;
        if (http1) {
          responses = await all(client.streamingOutputCall({ responseStatus: echo }, options()));
        } else {
          const requests = new RequestStream();
          requests.push({ responseStatus: echo });
          requests.end();
          responses = await all(client.fullDuplexCall(requests, options()));
        }
        check(responses.length === 0, `expected no response, got ${responses.length}`);
      });
      checkStatus(streamError, echo.code, echo.message, streaming);
    },

    async special_status_message() {
      const echo = { code: 2, message: SPECIAL_STATUS_MESSAGE };
      const error = await expectFailure('UnaryCall with response_status', () =>
        client.unaryCall({ responseStatus: echo }, options())
      );
      checkStatus(error, echo.code, echo.message, 'UnaryCall');
    },

    async unimplemented_method() {
      const error = await expectFailure('grpc.testing.TestService/UnimplementedCall', () =>
        client.unimplementedCall({}, options())
      );
      checkCode(error, Code.Unimplemented, 'grpc.testing.TestService/UnimplementedCall');
    },

    async unimplemented_service() {
      const other = createClient(UnimplementedService, makeTransport({}));
      const error = await expectFailure('grpc.testing.UnimplementedService/UnimplementedCall', () =>
        other.unimplementedCall({}, options())
      );
      checkCode(error, Code.Unimplemented, 'grpc.testing.UnimplementedService/UnimplementedCall');
    },

    async cancel_after_begin() {
      const error = await expectFailure('StreamingInputCall cancelled before sending', async () => {
        const abort = new AbortController();
        const requests = new RequestStream();
        const call = client.streamingInputCall(requests, options({ signal: abort.signal }));
        // Cancel once the call has started (the transport asks for the first message), before any
        // message is sent.
        await Promise.race([requests.pulled, call.catch(() => undefined)]);
        abort.abort();
        const response = await call;
        throw new Error(`the cancelled call completed with a response: ${JSON.stringify(response)}`);
      });
      checkCode(error, Code.Canceled, 'StreamingInputCall cancelled before sending');
    },

    async cancel_after_first_response() {
      requireFullDuplex();
      const error = await expectFailure('FullDuplexCall cancelled after the first response', async () => {
        const abort = new AbortController();
        const requests = new RequestStream();
        const replies = client
          .fullDuplexCall(requests, options({ signal: abort.signal }))
          [Symbol.asyncIterator]();
        requests.push(outputRequest(31415, 27182));
        const first = await replies.next();
        check(!first.done, 'the stream ended before the first response');
        checkPayload(first.value.payload, 31415, 'first response');
        abort.abort();
        const after = await replies.next();
        throw new Error(
          `reading after the abort gave ${after.done ? 'the end of the stream' : 'another response'}` +
            ' instead of failing with CANCELLED'
        );
      });
      checkCode(error, Code.Canceled, 'FullDuplexCall cancelled after the first response');
    },

    async timeout_on_sleeping_server() {
      if (http1) {
        // The server waits SLEEPING_INTERVAL_US before its one response; the call must fail first.
        streamingStandIn('call');
        const request = {
          responseType: PayloadType.COMPRESSABLE,
          responseParameters: [{ size: 31415, intervalUs: SLEEPING_INTERVAL_US }],
          payload: zeros(27182),
        };
        const error = await expectFailure('StreamingOutputCall with a 1 ms timeout', async () => {
          const responses = await all(client.streamingOutputCall(request, { timeoutMs: 1 }));
          throw new Error(`got ${responses.length} responses instead of failing with DEADLINE_EXCEEDED`);
        });
        checkCode(error, Code.DeadlineExceeded, 'StreamingOutputCall with a 1 ms timeout');
        return;
      }
      const error = await expectFailure('FullDuplexCall with a 1 ms timeout', async () => {
        const requests = new RequestStream();
        requests.push({ payload: zeros(27182) });
        const replies = client.fullDuplexCall(requests, { timeoutMs: 1 })[Symbol.asyncIterator]();
        const response = await replies.next();
        throw new Error(
          `reading gave ${response.done ? 'the end of the stream' : 'a response'}` +
            ' instead of failing with DEADLINE_EXCEEDED'
        );
      });
      checkCode(error, Code.DeadlineExceeded, 'FullDuplexCall with a 1 ms timeout');
    },

    async very_large_request() {
      const response = await client.unaryCall(
        { responseType: PayloadType.COMPRESSABLE, responseSize: 10, payload: zeros(10 * 1024 * 1024) },
        // 10 MiB as JSON is ~14 MiB of base64 to parse on both sides; on a loaded 2-core machine
        // that has taken over 30 s, so this case gets the larger guard against a hung call.
        options({ timeoutMs: LARGE_CALL_TIMEOUT_MS })
      );
      checkPayload(response.payload, 10, 'UnaryCall response to a 10 MiB request');
    },

    async cacheable_unary() {
      // The spec's procedure. connect-es's gRPC and gRPC-Web transports send every call as POST;
      // its Connect transport sends a method marked NO_SIDE_EFFECTS (gen.js marks
      // CacheableUnaryCall so) as a GET. Only a cache in front of the server could make the two
      // payloads equal.
      const sentAs = mode.protocol === 'connect' ? 'GET' : 'POST';
      const now = new TextEncoder().encode(process.hrtime.bigint().toString());
      const request = { responseType: PayloadType.COMPRESSABLE, payload: { type: PayloadType.COMPRESSABLE, body: now } };
      let cacheControl = null;
      const first = await client.cacheableUnaryCall(
        request,
        options({
          headers: { 'x-user-ip': '1.2.3.4' },
          onHeader: (headers) => (cacheControl = headers.get('cache-control')),
        })
      );
      const second = await client.cacheableUnaryCall(request, options({ headers: { 'x-user-ip': '1.2.3.4' } }));
      const a = Buffer.from(first.payload.body);
      const b = Buffer.from(second.payload.body);
      if (sentAs === 'GET') notes.push('both calls were sent as Connect GET requests');
      check(
        a.equals(b),
        `CacheableUnaryCall: the two payloads differ (${a} and ${b}, cache-control ` +
          `${JSON.stringify(cacheControl)}): no cache answered the second call (connect-es sent both as ${sentAs})`
      );
    },

    async pick_first_unary() {
      // connect-es has no load-balancing policies: a transport keeps one HTTP/2 connection (or,
      // over HTTP/1.1, Node's agent a pool of them) to the one address of its base URL, so it is
      // pick-first by construction.
      const request = {
        responseType: PayloadType.COMPRESSABLE,
        responseSize: 1,
        payload: zeros(1),
        fillServerId: true,
      };
      let serverId = null;
      let hostname = '';
      for (let i = 1; i <= 100; i++) {
        const response = await client.unaryCall(request, options());
        checkPayload(response.payload, 1, `UnaryCall ${i} response`);
        check(
          response.serverId,
          `UnaryCall ${i} of 100: server_id is empty although fill_server_id is set, so the server` +
            ' that answered cannot be identified'
        );
        if (serverId === null) {
          serverId = response.serverId;
          hostname = response.hostname;
        } else {
          check(
            response.serverId === serverId,
            `UnaryCall ${i} of 100 went to server_id "${response.serverId}", the first to "${serverId}"`
          );
        }
      }
      notes.push(`all 100 calls were answered by server_id "${serverId}"${hostname ? ` on host "${hostname}"` : ''}`);
    },

    async rpc_soak() {
      await soakTest(soak, 'rpc_soak', where, () => ({ client, close() {} }));
    },

    async channel_soak() {
      // A transport per iteration with a connection of its own (an HTTP/2 session manager or an
      // HTTP/1.1 agent), closed after the call.
      await soakTest(soak, 'channel_soak', where, () => {
        const { transport, close } = makeTransport.withOwnConnection();
        return { client: createClient(TestService, transport), close };
      });
    },
  };
}

/**
 * rpc_soak and channel_soak: soak.iterations large unary calls in sequence, each on the client
 * `open` gives (the same one for rpc_soak, a new one on a new connection for channel_soak; its
 * creation counted in the latency, its close not). An iteration fails on a non-OK status, a wrong
 * payload or a latency over the limit; the case fails if more than soak.maxFailures do, or if the
 * overall timeout cuts the loop short. No per-call deadline but the overall time left.
 */
async function soakTest(soak, name, peer, open) {
  const request = {
    responseType: PayloadType.COMPRESSABLE,
    responseSize: soak.responseSize,
    payload: zeros(soak.requestSize),
  };
  const { completed, failures, summary } = await common.soakLoop(
    soak,
    name,
    peer,
    async (timeoutMs) => {
      const opened = open();
      try {
        const response = await opened.client.unaryCall(request, { timeoutMs });
        checkPayload(response.payload, soak.responseSize, 'UnaryCall response');
        return { close: opened.close };
      } catch (e) {
        opened.close();
        throw e;
      }
    },
    (e) => (e instanceof ConnectError ? `status ${codeName(e.code)}: ${JSON.stringify(e.rawMessage)}` : e.message)
  );
  console.log(summary);
  check(completed === soak.iterations, `${summary}: soak_overall_timeout_seconds=${soak.overallTimeoutSeconds} ran out`);
  check(failures <= soak.maxFailures, summary);
  notes.push(summary);
}

// -------------------------------------------------------------------------------------------------

/** --protocol, --http_version and --use_json; exits 2 on a value or pairing it cannot use. */
function transportMode(flags) {
  const protocol = flags.protocol ?? 'grpc';
  const httpVersion = flags.http_version ?? '2';
  if (!(protocol in TRANSPORTS)) {
    common.usageError(`--protocol=${protocol} is not one of ${Object.keys(TRANSPORTS).join(', ')}`, USAGE);
  }
  if (!HTTP_VERSIONS.includes(httpVersion)) {
    common.usageError(`--http_version=${httpVersion} is not one of ${HTTP_VERSIONS.join(', ')}`, USAGE);
  }
  if (protocol === 'grpc' && httpVersion !== '2') {
    common.usageError('--protocol=grpc needs --http_version=2: gRPC runs over HTTP/2 only', USAGE);
  }
  return { protocol, httpVersion, useJson: common.bool(flags, 'use_json', false, USAGE) };
}

async function main() {
  const flags = common.parseFlags(process.argv.slice(2), FLAGS, USAGE);
  const host = flags.server_host || 'localhost';
  const serverPort = common.port(flags, 'server_port', 8080, USAGE);
  const override = flags.server_host_override || '';
  const testCase = flags.test_case || 'empty_unary';
  const useTls = common.bool(flags, 'use_tls', false, USAGE);
  const useTestCa = common.bool(flags, 'use_test_ca', false, USAGE);
  if (serverPort === 0) common.usageError('--server_port must not be 0', USAGE);
  const mode = transportMode(flags);

  // The URL names --server_host_override when given: it is the :authority and, with TLS, the name
  // sent by SNI and checked against the certificate. The connection still goes to --server_host,
  // through a DNS lookup that answers for it.
  const nodeOptions = {};
  let urlHost = host;
  if (override) {
    urlHost = override;
    nodeOptions.lookup = (_name, lookupOptions, callback) => dns.lookup(host, lookupOptions, callback);
  }
  if (useTls && useTestCa) nodeOptions.ca = fs.readFileSync(path.join(common.certsDir(flags), 'ca.pem'));
  const baseUrl = `${useTls ? 'https' : 'http'}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${serverPort}`;
  const create = TRANSPORTS[mode.protocol];
  const base = {
    baseUrl,
    httpVersion: mode.httpVersion,
    useBinaryFormat: !mode.useJson,
    // Connect only: a method marked NO_SIDE_EFFECTS is called with GET.
    ...(mode.protocol === 'connect' ? { useHttpGet: true } : {}),
  };
  const makeTransport = (extra) => create({ ...base, nodeOptions, ...extra });
  /** A transport on a connection of its own, and a function that closes that connection. */
  makeTransport.withOwnConnection = () => {
    if (mode.httpVersion === '1.1') {
      const agent = new (useTls ? https : http).Agent({ keepAlive: true });
      return { transport: makeTransport({ nodeOptions: { ...nodeOptions, agent } }), close: () => agent.destroy() };
    }
    const manager = new Http2SessionManager(baseUrl, {}, nodeOptions);
    return { transport: create({ ...base, sessionManager: manager }), close: () => manager.abort() };
  };

  const soak = common.soakFlags(flags, USAGE);
  const all = cases(makeTransport, soak, `${host}:${serverPort}`, mode);
  const body = all[testCase];
  if (!body) common.usageError(`unknown --test_case=${testCase}; known: ${Object.keys(all)}`, USAGE);

  const where =
    `${host}:${serverPort}${useTls ? ' (TLS)' : ' (plaintext)'}, ${mode.protocol} over HTTP/${mode.httpVersion}` +
    `${mode.useJson ? ' in JSON' : ''}`;
  try {
    await body();
    for (const note of notes) console.log(`note: ${note}`);
    console.log(`PASSED ${testCase} against ${where}`);
    process.exit(0);
  } catch (e) {
    if (e instanceof Unsupported) {
      console.log(`UNSUPPORTED ${testCase}: ${e.message}`);
      process.exit(EXIT_UNSUPPORTED);
    }
    const status = e instanceof ConnectError ? ` [status ${codeName(e.code)}: ${JSON.stringify(e.rawMessage)}]` : '';
    console.error(`FAILED ${testCase} against ${where}: ${e.message}${status}`);
    if (e.stack && !(e instanceof ConnectError)) console.error(e.stack);
    process.exit(1);
  }
}

await main();
