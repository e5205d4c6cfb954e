// The connect-es interop server: grpc.testing.TestService as interop-test-descriptions.md
// ("Server") describes it, served by connect-node in the gRPC, gRPC-Web and Connect protocols on
// one port on 127.0.0.1, plaintext or TLS with gRPC's server1 test certificate, over HTTP/2
// (plaintext: prior knowledge; TLS: ALPN h2) or, with --http_version=1.1, over HTTP/1.1 (where
// gRPC and bidi streaming cannot run).
//
//   node server.js [--port=N (0 picks a free one)] [--use_tls=BOOL] [--http_version=1.1|2]
//       [--certs_dir=DIR]
//
// Prints "connect-es interop server listening on 127.0.0.1:PORT" once it accepts connections.
//
// What connect-es's server API cannot do, and so this server does not:
// - CompressedResponse: connect-node compresses every response message of at least
//   compressMinBytes with an encoding the client accepts (gzip here), chosen per server, not per
//   call or message; so response_compressed and ResponseParameters.compressed are ignored.
// - CompressedRequest: a handler does not see a request message's Compressed-Flag, so
//   expect_compressed is ignored.
// fill_server_id is answered with an id made at start (<peer>-<uuid>) and the host name.
// UnimplementedCall is not implemented on purpose: connect-es answers UNIMPLEMENTED for it; an
// unknown service gets connect-node's stock answer, HTTP 404 (which gRPC clients read as
// UNIMPLEMENTED).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import common from '../common.cjs';
import { PayloadType, TestService } from './gen.js';

const USAGE =
  'usage: node server.js [--port=PORT (default 8080; 0 picks a free one)] [--use_tls=true|false]\n' +
  '         [--http_version=1.1|2 (default 2)] [--certs_dir=DIR]';
const LISTENING = 'connect-es interop server listening on 127.0.0.1:';
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
/** Largest request accepted; very_large_request sends 10 MiB (grpc-java allows 16 MiB too). */
const MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
/** fill_server_id: one id per server process, so a client can tell servers apart. */
const SERVER_ID = `connect-es-${crypto.randomUUID()}`;

/** Echo Metadata: copies the two echo keys, if present, to the response headers and trailers. */
function echoMetadata(context) {
  const initial = context.requestHeader.get(ECHO_INITIAL_KEY);
  if (initial !== null) context.responseHeader.set(ECHO_INITIAL_KEY, initial);
  const trailing = context.requestHeader.get(ECHO_TRAILING_KEY);
  if (trailing !== null) context.responseTrailer.set(ECHO_TRAILING_KEY, trailing);
}

/** Echo Status: throws the requested status (nothing for none or code 0). */
function failIfRequested(echo) {
  if (!echo || echo.code === 0) return;
  if (Code[echo.code] === undefined) {
    throw new ConnectError(`response_status.code ${echo.code} is not a gRPC code`, Code.InvalidArgument);
  }
  throw new ConnectError(echo.message, echo.code);
}

function checkPayloadType(type) {
  if (type !== PayloadType.COMPRESSABLE) {
    throw new ConnectError(
      `response_type ${type} is not supported (only COMPRESSABLE)`,
      Code.InvalidArgument
    );
  }
}

function payload(type, size) {
  checkPayloadType(type);
  if (size < 0) throw new ConnectError(`negative payload size ${size}`, Code.InvalidArgument);
  return { type, body: new Uint8Array(size) };
}

/**
 * One StreamingOutputCallResponse per ResponseParameters, each after its interval_us counted
 * from the previous response.
 */
async function* respond(request, context) {
  for (const parameters of request.responseParameters) {
    if (parameters.intervalUs > 0) await sleep(parameters.intervalUs / 1000, undefined, { signal: context.signal });
    yield { payload: payload(request.responseType, parameters.size) };
  }
}

const service = {
  emptyCall(_request, context) {
    echoMetadata(context);
    return {};
  },

  unaryCall(request, context) {
    echoMetadata(context);
    failIfRequested(request.responseStatus);
    const response = {};
    if (request.responseSize !== 0) {
      response.payload = payload(request.responseType, request.responseSize);
    } else {
      checkPayloadType(request.responseType);
    }
    if (request.fillServerId) {
      response.serverId = SERVER_ID;
      response.hostname = os.hostname();
    }
    // fill_username and fill_oauth_scope: nothing authenticates these calls, so both stay empty.
    return response;
  },

  cacheableUnaryCall(_request, context) {
    echoMetadata(context);
    context.responseHeader.set('cache-control', 'max-age=60, public');
    const now = process.hrtime.bigint().toString();
    return { payload: { type: PayloadType.COMPRESSABLE, body: new TextEncoder().encode(now) } };
  },

  async *streamingOutputCall(request, context) {
    echoMetadata(context);
    failIfRequested(request.responseStatus);
    yield* respond(request, context);
  },

  async streamingInputCall(requests, context) {
    echoMetadata(context);
    let total = 0;
    for await (const request of requests) total += request.payload ? request.payload.body.length : 0;
    return { aggregatedPayloadSize: total };
  },

  async *fullDuplexCall(requests, context) {
    echoMetadata(context);
    for await (const request of requests) {
      failIfRequested(request.responseStatus); // no further messages are processed
      yield* respond(request, context);
    }
  },

  async *halfDuplexCall(requests, context) {
    echoMetadata(context);
    const buffered = [];
    for await (const request of requests) {
      failIfRequested(request.responseStatus);
      buffered.push(request);
    }
    for (const request of buffered) yield* respond(request, context);
  },
};

/** An HTTP/2 server (h2c, or TLS with ALPN h2 only) or, for --http_version=1.1, an HTTP/1.1 one. */
function createServer(httpVersion, tlsOptions, handler) {
  if (httpVersion === '1.1') {
    return tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  }
  return tlsOptions
    ? http2.createSecureServer({ ...tlsOptions, allowHTTP1: false }, handler)
    : http2.createServer(handler);
}

function main() {
  const flags = common.parseFlags(process.argv.slice(2), ['port', 'use_tls', 'http_version', 'certs_dir'], USAGE);
  const port = common.port(flags, 'port', 8080, USAGE);
  const useTls = common.bool(flags, 'use_tls', false, USAGE);
  const httpVersion = flags.http_version ?? '2';
  if (httpVersion !== '1.1' && httpVersion !== '2') {
    common.usageError(`--http_version=${httpVersion} is not 1.1 or 2`, USAGE);
  }

  const handler = connectNodeAdapter({
    routes: (router) => router.service(TestService, service),
    grpc: true,
    grpcWeb: true,
    connect: true,
    readMaxBytes: MAX_MESSAGE_SIZE,
  });
  let tlsOptions = null;
  if (useTls) {
    const certs = common.certsDir(flags);
    tlsOptions = {
      cert: fs.readFileSync(path.join(certs, 'server1.pem')),
      key: fs.readFileSync(path.join(certs, 'server1.key')),
    };
  }
  const server = createServer(httpVersion, tlsOptions, handler);
  server.on('error', (error) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(
      `${LISTENING}${server.address().port}${useTls ? ' (TLS)' : ' (plaintext)'}, HTTP/${httpVersion}`
    );
  });
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
