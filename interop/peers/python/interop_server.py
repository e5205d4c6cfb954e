#!/usr/bin/python3
"""A gRPC interop server on grpcio (gRPC C-core): serves grpc.testing.TestService as
interop-test-descriptions.md ("Server") describes, on 127.0.0.1, and prints
"Python interop server listening on 127.0.0.1:PORT" once it accepts connections.

Features: EmptyCall, UnaryCall, CacheableUnaryCall, StreamingInputCall,
StreamingOutputCall, FullDuplexCall, HalfDuplexCall, CompressedResponse (per call and,
on streams, per message), Echo Status, Echo Metadata, ResponseParameters.interval_us,
fill_server_id (server_id made at start, and the host name).

Not CompressedRequest: a grpcio server cannot tell whether a request message arrived
compressed (C-core decompresses it and neither the message flag nor the grpc-encoding
header reaches the application), so expect_compressed is accepted and ignored.
UnimplementedCall answers UNIMPLEMENTED; grpc.testing.UnimplementedService is not served.
"""

import socket
import sys
import threading
import time
import uuid
from concurrent import futures

import peer_common

grpc = peer_common.import_grpc()

LISTENING = "Python interop server listening on 127.0.0.1:"
ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
MAX_MESSAGE_SIZE = 16 * 1024 * 1024  # very_large_request sends 10 MiB
CODES = {code.value[0]: code for code in grpc.StatusCode}
# fill_server_id: one id per server process, so a client can tell servers apart.
SERVER_ID = "grpc-core-python-" + uuid.uuid4().hex
HOSTNAME = socket.gethostname()


class Call(object):
    """One call's response side: compression, echoed metadata and status."""

    def __init__(self, context):
        self.context = context
        self.initial_sent = False
        self.compressing = False
        initial = []
        trailing = []
        for md in context.invocation_metadata():
            if md.key == ECHO_INITIAL_KEY:
                initial.append((md.key, md.value))
            elif md.key == ECHO_TRAILING_KEY:
                trailing.append((md.key, md.value))
        self.echo_initial = initial
        if trailing:
            context.set_trailing_metadata(tuple(trailing))

    def compress(self):
        """Compresses the responses with gzip; only before the response headers are sent."""
        if not self.initial_sent:
            self.context.set_compression(grpc.Compression.Gzip)
            self.compressing = True

    def send_headers(self):
        """Sends the response headers (with the echoed initial metadata) if not sent yet.

        set_compression() only takes effect for headers not yet sent, so call this after
        the compression of the call is chosen.
        """
        if not self.initial_sent:
            self.initial_sent = True
            if self.echo_initial:
                self.context.send_initial_metadata(tuple(self.echo_initial))

    def fail_if_requested(self, request):
        """Echo Status: ends the call with response_status, unless its code is 0."""
        if not request.HasField("response_status") or request.response_status.code == 0:
            return
        status = request.response_status
        code = CODES.get(status.code)
        if code is None:
            self.send_headers()
            self.context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                               "response_status.code %d is not a gRPC code" % status.code)
        self.send_headers()
        self.context.abort(code, status.message)

    def invalid(self, message):
        self.send_headers()
        self.context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)


class TestService(object):
    """The servicer; the methods are bound by name by the generated registration function."""

    def __init__(self, messages, empty_pb2):
        self.messages = messages
        self.empty_pb2 = empty_pb2

    def payload(self, call, response_type, size):
        if response_type != self.messages.COMPRESSABLE:
            call.invalid("response_type %d is not supported (only COMPRESSABLE)" % response_type)
        if size < 0:
            call.invalid("negative payload size %d" % size)
        return self.messages.Payload(type=response_type, body=bytes(size))

    def EmptyCall(self, request, context):
        call = Call(context)
        call.send_headers()
        return self.empty_pb2.Empty()

    def UnaryCall(self, request, context):
        call = Call(context)
        # expect_compressed (CompressedRequest) cannot be checked: see the module doc.
        if request.HasField("response_compressed") and request.response_compressed.value:
            call.compress()
        call.fail_if_requested(request)
        response = self.messages.SimpleResponse()
        if request.response_size != 0:
            response.payload.CopyFrom(
                self.payload(call, request.response_type, request.response_size))
        elif request.response_type != self.messages.COMPRESSABLE:
            call.invalid("response_type %d is not supported (only COMPRESSABLE)"
                         % request.response_type)
        if request.fill_server_id:
            response.server_id = SERVER_ID
            response.hostname = HOSTNAME
        # fill_username and fill_oauth_scope: nothing authenticates these calls.
        call.send_headers()
        return response

    def CacheableUnaryCall(self, request, context):
        call = Call(context)
        call.echo_initial.append(("cache-control", "max-age=60, public"))
        call.send_headers()
        now = str(time.time_ns()).encode("ascii")
        return self.messages.SimpleResponse(payload=self.messages.Payload(body=now))

    def StreamingInputCall(self, request_iterator, context):
        call = Call(context)
        call.send_headers()
        total = 0
        for request in request_iterator:
            # expect_compressed (CompressedRequest) cannot be checked: see the module doc.
            total += len(request.payload.body)
        return self.messages.StreamingInputCallResponse(aggregated_payload_size=total)

    def StreamingOutputCall(self, request, context):
        call = Call(context)
        call.fail_if_requested(request)
        self.choose_compression(call, request.response_parameters)
        call.send_headers()
        for response in self.respond(call, request):
            yield response

    def FullDuplexCall(self, request_iterator, context):
        call = Call(context)
        for request in request_iterator:
            call.fail_if_requested(request)
            # Compression belongs to the response stream: the first request chooses it.
            self.choose_compression(call, request.response_parameters)
            call.send_headers()
            for response in self.respond(call, request):
                yield response
        call.send_headers()

    def HalfDuplexCall(self, request_iterator, context):
        call = Call(context)
        buffered = []
        for request in request_iterator:
            call.fail_if_requested(request)
            buffered.append(request)
        self.choose_compression(
            call, [p for request in buffered for p in request.response_parameters])
        call.send_headers()
        for request in buffered:
            for response in self.respond(call, request):
                yield response

    def UnimplementedCall(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED,
                      "grpc.testing.TestService/UnimplementedCall is not implemented")

    @staticmethod
    def choose_compression(call, parameters):
        if any(p.HasField("compressed") and p.compressed.value for p in parameters):
            call.compress()

    def respond(self, call, request):
        """One response per ResponseParameters, each after its interval_us, compressed or not
        as its `compressed` says (on a gzip call, the others go uncompressed)."""
        for parameters in request.response_parameters:
            if parameters.interval_us > 0:
                time.sleep(parameters.interval_us / 1e6)
            payload = self.payload(call, request.response_type, parameters.size)
            if call.compressing and not parameters.compressed.value:
                call.context.disable_next_message_compression()
            yield self.messages.StreamingOutputCallResponse(payload=payload)


def main(argv):
    parser = peer_common.FlagParser(
        prog="interop_server.py",
        description="gRPC interop server on grpcio " + grpc.__version__)
    parser.add_argument("--port", type=peer_common.parse_port, default=8080,
                        help="0 picks a free port")
    parser.add_argument("--use_tls", type=peer_common.parse_bool, default=False)
    peer_common.add_location_flags(parser)
    flags = peer_common.parse_flags(parser, argv)

    empty_pb2, messages, test_pb2_grpc = peer_common.import_stubs(flags.gen_dir)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=32),
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_SIZE),
                 ("grpc.max_send_message_length", MAX_MESSAGE_SIZE),
                 ("grpc.so_reuseport", 0)])
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(messages, empty_pb2), server)
    address = "127.0.0.1:%d" % flags.port
    if flags.use_tls:
        credentials = grpc.ssl_server_credentials(
            [(peer_common.read_cert(flags.certs_dir, "server1.key"),
              peer_common.read_cert(flags.certs_dir, "server1.pem"))])
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        sys.stderr.write("cannot listen on %s\n" % address)
        return peer_common.EXIT_FAILED
    server.start()
    print("%s%d (%s, grpcio %s)" % (LISTENING, port, "TLS" if flags.use_tls else "plaintext",
                                    grpc.__version__), flush=True)
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.stop(1)
    return 0


if __name__ == "__main__":
    peer_common.finish(main(sys.argv[1:]))
