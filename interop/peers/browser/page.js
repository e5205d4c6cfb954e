// The test page: the official grpc-web client (GrpcWebClientBase + MethodDescriptor) calls
// grpc.testing.TestService on the server that served the page, in both of grpc-web's wire formats,
// and writes what came back into the page: a table for people and #results (JSON) for the test.
import { GrpcWebClientBase, MethodDescriptor, MethodType } from 'grpc-web';
import { PayloadResponse, SimpleRequest, StreamingOutputCallRequest } from './messages.js';

const SERVICE = '/grpc.testing.TestService/';
const UNARY_SIZES = { request: 271828, response: 314159 }; // the interop large_unary sizes
const STREAM_SIZES = [31415, 9, 2653, 58979]; // the interop server_streaming sizes
const ERROR_STATUS = { code: 2, message: 'test status message' }; // status_code_and_message

const unaryCall = new MethodDescriptor(
  SERVICE + 'UnaryCall',
  MethodType.UNARY,
  SimpleRequest,
  PayloadResponse,
  (request) => request.serializeBinary(),
  PayloadResponse.deserializeBinary,
);
const streamingOutputCall = new MethodDescriptor(
  SERVICE + 'StreamingOutputCall',
  MethodType.SERVER_STREAMING,
  StreamingOutputCallRequest,
  PayloadResponse,
  (request) => request.serializeBinary(),
  PayloadResponse.deserializeBinary,
);

/** One unary call; resolves to { status, sizes } whatever happens. */
function unary(client, request) {
  return new Promise((resolve) => {
    const call = client.rpcCall(url(unaryCall), request, {}, unaryCall, (err, response) => {
      if (err) {
        resolve({ status: err.code, message: err.message, sizes: [] });
      } else {
        resolve({ status: 0, message: '', sizes: [response.payloadSize] });
      }
    });
    call.on('error', () => {}); // reported to the callback as well
  });
}

/** One server-streaming call; resolves to { status, sizes } once the stream ends or fails. */
function serverStreaming(client, request) {
  return new Promise((resolve) => {
    const sizes = [];
    const stream = client.serverStreaming(
      url(streamingOutputCall), request, {}, streamingOutputCall);
    stream.on('data', (response) => sizes.push(response.payloadSize));
    stream.on('status', (status) => {
      if (status.code === 0) {
        resolve({ status: 0, message: '', sizes });
      }
    });
    stream.on('error', (err) => resolve({ status: err.code, message: err.message, sizes }));
  });
}

/** grpc-web takes the method's whole URL: here, on the server that served the page. */
function url(descriptor) {
  return window.location.origin + descriptor.getName();
}

async function runMode(format) {
  const client = new GrpcWebClientBase({ format });
  return {
    unary: await unary(client, new SimpleRequest({
      responseSize: UNARY_SIZES.response, payloadSize: UNARY_SIZES.request })),
    serverStreaming: await serverStreaming(client, new StreamingOutputCallRequest(STREAM_SIZES)),
    error: await unary(client, new SimpleRequest({ status: ERROR_STATUS })),
  };
}

function show(results) {
  const rows = document.getElementById('rows');
  for (const [format, calls] of Object.entries(results)) {
    for (const [name, result] of Object.entries(calls)) {
      const row = rows.insertRow();
      for (const text of [format, name, String(result.status), result.sizes.join(', '),
        result.message]) {
        row.insertCell().textContent = text;
      }
    }
  }
  document.getElementById('results').textContent = JSON.stringify(results, null, 2);
  document.body.dataset.done = 'true';
}

async function main() {
  const results = {};
  for (const format of ['text', 'binary']) { // grpcwebtext, then grpcweb
    results[format] = await runMode(format);
  }
  show(results);
}

main().catch((e) => {
  document.getElementById('results').textContent = 'page failed: ' + e.stack;
  document.body.dataset.done = 'true';
});
