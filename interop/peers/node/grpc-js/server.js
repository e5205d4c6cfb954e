// The grpc-js interop server: grpc.testing.TestService as interop-test-descriptions.md
// ("Server") describes it, on 127.0.0.1, plaintext or TLS with gRPC's server1 test certificate.
//
//   node server.js [--port=N (0 picks a free one)] [--use_tls=BOOL] [--protos_dir=DIR] [--certs_dir=DIR]
//
// Prints "grpc-js interop server listening on 127.0.0.1:PORT" once it accepts connections.
//
// What grpc-js's server API cannot do, and so this server does not:
// - CompressedResponse: grpc-js's server never compresses a response (its server call always
//   writes the Compressed-Flag 0), so response_compressed and ResponseParameters.compressed are
//   ignored and every response goes out uncompressed.
// - CompressedRequest: a handler sees neither a message's Compressed-Flag nor the grpc-encoding
//   header (grpc-js removes it from the metadata), so expect_compressed is ignored.
// fill_server_id is answered with an id made at start (<peer>-<uuid>) and the host name.
// UnimplementedCall is not implemented on purpose: grpc-js answers UNIMPLEMENTED for it.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const common = require('./common');

const USAGE =
  'usage: node server.js [--port=PORT (default 8080; 0 picks a free one)] [--use_tls=true|false]\n' +
  '         [--protos_dir=DIR] [--certs_dir=DIR]';
const LISTENING = 'grpc-js interop server listening on 127.0.0.1:';
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
/** Largest request accepted; very_large_request sends 10 MiB (grpc-java allows 16 MiB too). */
const MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
/** fill_server_id: one id per server process, so a client can tell servers apart. */
const SERVER_ID = `grpc-js-${crypto.randomUUID()}`;

/** The error that ends a call with `code` and `details`, plus the echoed trailers. */
function statusError(code, details, trailers) {
  return { code, details, metadata: trailers };
}

/** Echo Metadata: sends the initial echo key now; returns the trailers, with the trailing key. */
function echoMetadata(call) {
  const headers = new grpc.Metadata();
  for (const value of call.metadata.get(ECHO_INITIAL_KEY)) headers.add(ECHO_INITIAL_KEY, value);
  call.sendMetadata(headers);
  const trailers = new grpc.Metadata();
  for (const value of call.metadata.get(ECHO_TRAILING_KEY)) trailers.add(ECHO_TRAILING_KEY, value);
  return trailers;
}

/** Echo Status: the error the requested status ends the call with, or null for none / code 0. */
function requestedStatus(echo, trailers) {
  if (!echo || echo.code === 0) return null;
  if (!Number.isInteger(echo.code) || echo.code < 0 || echo.code > 16) {
    return statusError(
      grpc.status.INVALID_ARGUMENT,
      `response_status.code ${echo.code} is not a gRPC code`,
      trailers
    );
  }
  return statusError(echo.code, echo.message, trailers);
}

class InvalidArgument extends Error {}

function payload(type, size) {
  checkPayloadType(type);
  if (size < 0) throw new InvalidArgument(`negative payload size ${size}`);
  return { type, body: Buffer.alloc(size) };
}

function checkPayloadType(type) {
  if (type !== 'COMPRESSABLE') {
    throw new InvalidArgument(`response_type ${type} is not supported (only COMPRESSABLE)`);
  }
}

/** Runs `body`; turns an InvalidArgument it throws into that status. */
function invalidArgumentOr(body, trailers) {
  try {
    return { value: body() };
  } catch (e) {
    if (e instanceof InvalidArgument) {
      return { error: statusError(grpc.status.INVALID_ARGUMENT, e.message, trailers) };
    }
    throw e;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `message`, waiting for the stream to take it (flow control) or the call to end. */
function write(call, message) {
  return new Promise((resolve) => {
    if (call.write(message)) return resolve();
    call.once('drain', resolve);
    return call.once('cancelled', resolve);
  });
}

/**
 * One StreamingOutputCallResponse per ResponseParameters, each after its interval_us counted
 * from the previous response. Returns false if the call was cancelled meanwhile.
 */
async function respond(call, request) {
  for (const parameters of request.response_parameters) {
    if (parameters.interval_us > 0) await sleep(parameters.interval_us / 1000);
    if (call.cancelled) return false;
    await write(call, { payload: payload(request.response_type, parameters.size) });
  }
  return true;
}

/** Ends a streaming call with `error`, or with OK and `trailers`. */
function finish(call, error, trailers) {
  if (call.cancelled) return;
  if (error) call.emit('error', error);
  else call.end(trailers);
}

/** For a streaming call's failure: InvalidArgument is a status; anything else is INTERNAL. */
function failureStatus(e, trailers) {
  return e instanceof InvalidArgument
    ? statusError(grpc.status.INVALID_ARGUMENT, e.message, trailers)
    : statusError(grpc.status.INTERNAL, String(e && e.stack ? e.stack : e), trailers);
}

/**
 * Reads a client stream's messages in order, running `each` (async) on one at a time. Resolves
 * once the client half-closed and every message was handled, or as soon as `each` returns false
 * (no further messages are processed); rejects if `each` throws.
 */
function forEachRequest(call, each) {
  return new Promise((resolve, reject) => {
    let chain = Promise.resolve();
    let stopped = false;
    const stop = (settle) => {
      if (!stopped) {
        stopped = true;
        settle();
      }
    };
    call.on('data', (request) => {
      chain = chain
        .then(async () => {
          if (!stopped && !(await each(request))) stop(resolve);
        })
        .catch((e) => stop(() => reject(e)));
    });
    call.on('end', () => chain.then(() => stop(resolve)));
    call.on('error', (e) => stop(() => reject(e)));
  });
}

const service = {
  emptyCall(call, callback) {
    const trailers = echoMetadata(call);
    callback(null, {}, trailers);
  },

  unaryCall(call, callback) {
    const trailers = echoMetadata(call);
    const request = call.request;
    const failure = requestedStatus(request.response_status, trailers);
    if (failure) return callback(failure);
    const { value, error } = invalidArgumentOr(() => {
      const response = {};
      if (request.response_size !== 0) {
        response.payload = payload(request.response_type, request.response_size);
      } else {
        checkPayloadType(request.response_type);
      }
      if (request.fill_server_id) {
        response.server_id = SERVER_ID;
        response.hostname = os.hostname();
      }
      return response;
    }, trailers);
    // fill_username and fill_oauth_scope: nothing authenticates these calls, so both stay empty.
    return error ? callback(error) : callback(null, value, trailers);
  },

  cacheableUnaryCall(call, callback) {
    const headers = new grpc.Metadata();
    for (const value of call.metadata.get(ECHO_INITIAL_KEY)) headers.add(ECHO_INITIAL_KEY, value);
    headers.set('cache-control', 'max-age=60, public');
    call.sendMetadata(headers);
    const trailers = new grpc.Metadata();
    for (const value of call.metadata.get(ECHO_TRAILING_KEY)) trailers.add(ECHO_TRAILING_KEY, value);
    const now = process.hrtime.bigint().toString();
    callback(null, { payload: { type: 'COMPRESSABLE', body: Buffer.from(now) } }, trailers);
  },

  async streamingOutputCall(call) {
    const trailers = echoMetadata(call);
    const failure = requestedStatus(call.request.response_status, trailers);
    if (failure) return finish(call, failure);
    try {
      if (await respond(call, call.request)) finish(call, null, trailers);
    } catch (e) {
      finish(call, failureStatus(e, trailers));
    }
  },

  streamingInputCall(call, callback) {
    const trailers = echoMetadata(call);
    let total = 0;
    forEachRequest(call, async (request) => {
      total += request.payload ? request.payload.body.length : 0;
      return true;
    }).then(
      () => callback(null, { aggregated_payload_size: total }, trailers),
      (e) => {
        if (!call.cancelled) callback(failureStatus(e, trailers));
      }
    );
  },

  fullDuplexCall(call) {
    const trailers = echoMetadata(call);
    let failure = null;
    forEachRequest(call, async (request) => {
      failure = requestedStatus(request.response_status, trailers);
      if (failure) return false; // no further messages are processed
      return respond(call, request);
    }).then(
      () => finish(call, failure, trailers),
      (e) => finish(call, failureStatus(e, trailers))
    );
  },

  halfDuplexCall(call) {
    const trailers = echoMetadata(call);
    const buffered = [];
    let failure = null;
    forEachRequest(call, async (request) => {
      failure = requestedStatus(request.response_status, trailers);
      if (failure) return false;
      buffered.push(request);
      return true;
    })
      .then(async () => {
        if (failure) return finish(call, failure);
        for (const request of buffered) {
          if (!(await respond(call, request))) return undefined;
        }
        return finish(call, null, trailers);
      })
      .catch((e) => finish(call, failureStatus(e, trailers)));
  },
};

function main() {
  const FLAGS = ['port', 'use_tls', 'protos_dir', 'certs_dir'];
  const flags = common.parseFlags(process.argv.slice(2), FLAGS, USAGE);
  const port = common.port(flags, 'port', 8080, USAGE);
  const useTls = common.bool(flags, 'use_tls', false, USAGE);

  let credentials = grpc.ServerCredentials.createInsecure();
  if (useTls) {
    const certs = common.certsDir(flags);
    credentials = grpc.ServerCredentials.createSsl(
      null,
      [
        {
          cert_chain: fs.readFileSync(path.join(certs, 'server1.pem')),
          private_key: fs.readFileSync(path.join(certs, 'server1.key')),
        },
      ],
      false
    );
  }

  const testing = common.loadTestingPackage(grpc, flags);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_SIZE,
    'grpc.max_send_message_length': MAX_MESSAGE_SIZE,
  });
  server.addService(testing.TestService.service, service);
  server.bindAsync(`127.0.0.1:${port}`, credentials, (error, boundPort) => {
    if (error) {
      console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`${LISTENING}${boundPort}${useTls ? ' (TLS)' : ' (plaintext)'}`);
  });
  const stop = () => {
    server.tryShutdown(() => process.exit(0));
    // Calls still open after 2 s are cut off.
    setTimeout(() => {
      server.forceShutdown();
      process.exit(0);
    }, 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
