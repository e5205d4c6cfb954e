#!/usr/bin/python3
"""A gRPC interop client on grpcio (gRPC C-core): runs one case of gRPC's
interop-test-descriptions.md against a server and checks what the case says the
client asserts.

Exit status: 0 passed, 1 failed, 2 bad flags, 3 the case cannot be expressed with grpcio.
"""

import queue
import sys
import time
import traceback

import peer_common
from peer_common import EXIT_FAILED, EXIT_PASSED, EXIT_UNSUPPORTED

grpc = peer_common.import_grpc()

CALL_TIMEOUT = 30.0  # seconds; every call but timeout_on_sleeping_server has this deadline
ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_INITIAL_VALUE = "test_initial_metadata_value"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
ECHO_TRAILING_VALUE = b"\xab\xab\xab"
SPECIAL_STATUS_MESSAGE = ("\t\ntest with whitespace\r\nand Unicode BMP \u263a"
                          " and non-BMP \U0001f608\t\n")
CODES = {code.value[0]: code for code in grpc.StatusCode}

NOT_EXPRESSIBLE = {
    "client_compressed_streaming":
        "grpcio cannot choose compression per message on the client: a call's messages are"
        " all compressed or none is (no per-write flags in its API), but the case needs a"
        " compressed message followed by an uncompressed one on the same stream",
}


# The soak flags of interop-test-descriptions.md (rpc_soak, channel_soak) and their defaults;
# soak_overall_timeout_seconds defaults to iterations times the per-iteration limit.
SOAK_DEFAULTS = (
    ("soak_iterations", 10),
    ("soak_max_failures", 0),
    ("soak_per_iteration_max_acceptable_latency_ms", 1000),
    ("soak_overall_timeout_seconds", None),
    ("soak_min_time_ms_between_rpcs", 0),
    ("soak_request_size", 271828),
    ("soak_response_size", 314159),
)


class CaseFailed(Exception):
    pass


class Unsupported(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailed(message)


class RequestPipe(object):
    """A request iterator fed one message at a time, for interleaved bidi streaming."""

    _END = object()

    def __init__(self):
        self._queue = queue.Queue()

    def send(self, request):
        self._queue.put(request)

    def close(self):
        self._queue.put(self._END)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is self._END:
            self._queue.put(self._END)  # stay closed
            raise StopIteration
        return item


class Client(object):
    def __init__(self, channel, stubs, make_channel, flags, target):
        self.empty_pb2, self.messages, self.test_pb2_grpc = stubs
        self.stub = self.test_pb2_grpc.TestServiceStub(channel)
        self.unimplemented_stub = self.test_pb2_grpc.UnimplementedServiceStub(channel)
        self.make_channel = make_channel
        self.flags = flags
        self.target = target
        self.notes = []

    # ---------------------------------------------------------------------------------------
    # Requests

    def zeros(self, size):
        return self.messages.Payload(type=self.messages.COMPRESSABLE, body=bytes(size))

    def large_request(self, **fields):
        return self.messages.SimpleRequest(response_type=self.messages.COMPRESSABLE,
                                           response_size=314159, payload=self.zeros(271828),
                                           **fields)

    def output_request(self, response_size, payload_size):
        m = self.messages
        return m.StreamingOutputCallRequest(
            response_type=m.COMPRESSABLE,
            response_parameters=[m.ResponseParameters(size=response_size)],
            payload=self.zeros(payload_size))

    def bool_value(self, value):
        return self.messages.BoolValue(value=value)

    # ---------------------------------------------------------------------------------------
    # Checks

    def check_payload(self, payload, size, what):
        check(payload.type == self.messages.COMPRESSABLE,
              "%s: payload type is %s, expected COMPRESSABLE" % (what, payload.type))
        check(len(payload.body) == size,
              "%s: payload body is %d bytes, expected %d" % (what, len(payload.body), size))
        check(payload.body == bytes(size), "%s: payload body is not all zeros" % what)

    def check_responses(self, responses, sizes):
        actual = [len(r.payload.body) for r in responses]
        check(len(responses) == len(sizes),
              "got %d responses sized %s, expected exactly %d sized %s"
              % (len(responses), actual, len(sizes), sizes))
        for i, (response, size) in enumerate(zip(responses, sizes)):
            self.check_payload(response.payload, size, "response %d" % (i + 1))

    @staticmethod
    def expect_failure(what, call):
        try:
            result = call()
        except grpc.RpcError as e:
            return e
        outcome = result if isinstance(result, str) else "a " + type(result).__name__
        raise CaseFailed("%s: succeeded with %s, but it must fail with a status"
                         % (what, outcome))

    @staticmethod
    def check_code(error, expected, what):
        check(error.code() == expected,
              "%s: status is %s (%r), expected %s"
              % (what, error.code(), error.details(), expected))

    @staticmethod
    def check_status(error, code, message, what):
        expected = CODES.get(code)
        check(error.code() == expected,
              "%s: status code is %s, expected %s" % (what, error.code(), expected))
        check(error.details() == message,
              "%s: status message is %r, expected %r" % (what, error.details(), message))

    @staticmethod
    def check_echoed(initial, trailing, what):
        initial = list(initial or ())
        trailing = list(trailing or ())
        values = [md.value for md in initial if md.key == ECHO_INITIAL_KEY]
        check(values == [ECHO_INITIAL_VALUE],
              "%s: initial metadata carries %s=%r, expected [%r] (initial metadata: %r)"
              % (what, ECHO_INITIAL_KEY, values, ECHO_INITIAL_VALUE, initial))
        values = [md.value for md in trailing if md.key == ECHO_TRAILING_KEY]
        check(values == [ECHO_TRAILING_VALUE],
              "%s: trailing metadata carries %s=%r, expected [%r] (trailing metadata: %r)"
              % (what, ECHO_TRAILING_KEY, values, ECHO_TRAILING_VALUE, trailing))

    # ---------------------------------------------------------------------------------------
    # Test cases

    def empty_unary(self):
        response = self.stub.EmptyCall(self.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
        check(response is not None, "EmptyCall returned no response")
        check(isinstance(response, self.empty_pb2.Empty),
              "EmptyCall returned a %s" % type(response).__name__)
        check(response.ByteSize() == 0,
              "EmptyCall response is %d bytes, expected 0" % response.ByteSize())

    def large_unary(self):
        response = self.stub.UnaryCall(self.large_request(), timeout=CALL_TIMEOUT)
        self.check_payload(response.payload, 314159, "UnaryCall response")

    def client_compressed_unary(self):
        # 1. The feature probe: an uncompressed message that expects to be compressed.
        probe = self.expect_failure(
            "probe: uncompressed UnaryCall with expect_compressed=true",
            lambda: self.stub.UnaryCall(
                self.large_request(expect_compressed=self.bool_value(True)),
                timeout=CALL_TIMEOUT))
        self.check_code(probe, grpc.StatusCode.INVALID_ARGUMENT,
                        "probe: uncompressed UnaryCall with expect_compressed=true")
        # 2. A compressed message (the call is gzip-compressed).
        response = self.stub.UnaryCall(
            self.large_request(expect_compressed=self.bool_value(True)),
            timeout=CALL_TIMEOUT, compression=grpc.Compression.Gzip)
        self.check_payload(response.payload, 314159, "compressed UnaryCall response")
        # 3. An uncompressed message.
        response = self.stub.UnaryCall(
            self.large_request(expect_compressed=self.bool_value(False)),
            timeout=CALL_TIMEOUT, compression=grpc.Compression.NoCompression)
        self.check_payload(response.payload, 314159, "uncompressed UnaryCall response")

    def server_compressed_unary(self):
        for compressed in (True, False):
            response = self.stub.UnaryCall(
                self.large_request(response_compressed=self.bool_value(compressed)),
                timeout=CALL_TIMEOUT)
            self.check_payload(response.payload, 314159,
                               "UnaryCall response (response_compressed=%s)" % compressed)
        self.notes.append("the Compressed-Flag of the responses was not checked: grpcio does not"
                          " expose it to the application (the spec makes this check optional)")

    def client_streaming(self):
        requests = [self.messages.StreamingInputCallRequest(payload=self.zeros(size))
                    for size in (27182, 8, 1828, 45904)]
        response = self.stub.StreamingInputCall(iter(requests), timeout=CALL_TIMEOUT)
        check(response.aggregated_payload_size == 74922,
              "aggregated_payload_size is %d, expected 74922" % response.aggregated_payload_size)

    def client_compressed_streaming(self):
        raise Unsupported(NOT_EXPRESSIBLE["client_compressed_streaming"])

    def server_streaming(self):
        m = self.messages
        sizes = [31415, 9, 2653, 58979]
        request = m.StreamingOutputCallRequest(
            response_type=m.COMPRESSABLE,
            response_parameters=[m.ResponseParameters(size=size) for size in sizes])
        call = self.stub.StreamingOutputCall(request, timeout=CALL_TIMEOUT)
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK,
              "StreamingOutputCall ended with %s" % call.code())
        self.check_responses(responses, sizes)

    def server_compressed_streaming(self):
        m = self.messages
        request = m.StreamingOutputCallRequest(
            response_type=m.COMPRESSABLE,
            response_parameters=[
                m.ResponseParameters(size=31415, compressed=self.bool_value(True)),
                m.ResponseParameters(size=92653, compressed=self.bool_value(False)),
            ])
        call = self.stub.StreamingOutputCall(request, timeout=CALL_TIMEOUT)
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK,
              "StreamingOutputCall ended with %s" % call.code())
        self.check_responses(responses, [31415, 92653])
        self.notes.append("the Compressed-Flag of the responses was not checked: grpcio does not"
                          " expose it to the application (the spec makes this check optional)")

    def ping_pong(self):
        request_sizes = [27182, 8, 1828, 45904]
        response_sizes = [31415, 9, 2653, 58979]
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT)
        try:
            responses = []
            for i, (request_size, response_size) in enumerate(zip(request_sizes,
                                                                   response_sizes)):
                pipe.send(self.output_request(response_size, request_size))
                try:
                    response = next(call)
                except StopIteration:
                    raise CaseFailed("the stream ended before the reply to request %d" % (i + 1))
                self.check_payload(response.payload, response_size, "reply %d" % (i + 1))
                responses.append(response)
            pipe.close()
            extra = list(call)
            check(not extra, "got %d more responses after half-closing" % len(extra))
            check(call.code() == grpc.StatusCode.OK, "FullDuplexCall ended with %s" % call.code())
            self.check_responses(responses, response_sizes)
        finally:
            pipe.close()
            call.cancel()

    def empty_stream(self):
        call = self.stub.FullDuplexCall(iter(()), timeout=CALL_TIMEOUT)
        responses = list(call)
        check(not responses, "expected zero responses, got %d" % len(responses))
        check(call.code() == grpc.StatusCode.OK, "FullDuplexCall ended with %s" % call.code())

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE),
                    (ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE))
        # 1. UnaryCall
        response, call = self.stub.UnaryCall.with_call(
            self.large_request(), metadata=metadata, timeout=CALL_TIMEOUT)
        self.check_payload(response.payload, 314159, "UnaryCall response")
        self.check_echoed(call.initial_metadata(), call.trailing_metadata(), "UnaryCall")
        # 2. FullDuplexCall, half-closed after one request
        call = self.stub.FullDuplexCall(iter([self.output_request(314159, 271828)]),
                                        metadata=metadata, timeout=CALL_TIMEOUT)
        responses = list(call)
        check(call.code() == grpc.StatusCode.OK, "FullDuplexCall ended with %s" % call.code())
        self.check_responses(responses, [314159])
        self.check_echoed(call.initial_metadata(), call.trailing_metadata(), "FullDuplexCall")

    def _echo_status(self, message, duplex):
        m = self.messages
        status = m.EchoStatus(code=2, message=message)
        error = self.expect_failure(
            "UnaryCall with response_status",
            lambda: self.stub.UnaryCall(m.SimpleRequest(response_status=status),
                                        timeout=CALL_TIMEOUT))
        self.check_status(error, 2, message, "UnaryCall")
        if not duplex:
            return
        received = []

        def duplex_call():
            call = self.stub.FullDuplexCall(
                iter([m.StreamingOutputCallRequest(response_status=status)]),
                timeout=CALL_TIMEOUT)
            for response in call:
                received.append(response)
            return call

        error = self.expect_failure("FullDuplexCall with response_status", duplex_call)
        check(not received, "FullDuplexCall: expected no response, got %d" % len(received))
        self.check_status(error, 2, message, "FullDuplexCall")

    def status_code_and_message(self):
        self._echo_status("test status message", duplex=True)

    def special_status_message(self):
        self._echo_status(SPECIAL_STATUS_MESSAGE, duplex=False)

    def unimplemented_method(self):
        what = "grpc.testing.TestService/UnimplementedCall"
        error = self.expect_failure(
            what, lambda: self.stub.UnimplementedCall(self.empty_pb2.Empty(),
                                                      timeout=CALL_TIMEOUT))
        self.check_code(error, grpc.StatusCode.UNIMPLEMENTED, what)

    def unimplemented_service(self):
        what = "grpc.testing.UnimplementedService/UnimplementedCall"
        error = self.expect_failure(
            what, lambda: self.unimplemented_stub.UnimplementedCall(self.empty_pb2.Empty(),
                                                                    timeout=CALL_TIMEOUT))
        self.check_code(error, grpc.StatusCode.UNIMPLEMENTED, what)

    def cancel_after_begin(self):
        pipe = RequestPipe()  # never sends a message
        future = self.stub.StreamingInputCall.future(pipe, timeout=CALL_TIMEOUT)
        try:
            check(future.cancel(), "cancel() did not cancel the StreamingInputCall (done: %s)"
                  % future.done())
            check(future.cancelled(), "the StreamingInputCall is not cancelled after cancel()")
            try:
                response = future.result(timeout=CALL_TIMEOUT)
                raise CaseFailed("the cancelled call completed with a response: %r" % response)
            except grpc.FutureCancelledError:
                pass
            check(future.code() == grpc.StatusCode.CANCELLED,
                  "the cancelled call completed with %s, expected CANCELLED" % future.code())
        finally:
            pipe.close()

    def cancel_after_first_response(self):
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT)
        try:
            pipe.send(self.output_request(31415, 27182))
            try:
                first = next(call)
            except StopIteration:
                raise CaseFailed("the stream ended before the first response")
            self.check_payload(first.payload, 31415, "first response")
            check(call.cancel(), "cancel() did not cancel the FullDuplexCall")
            error = self.expect_failure("reading after cancel()", lambda: next(call))
            self.check_code(error, grpc.StatusCode.CANCELLED,
                            "FullDuplexCall cancelled after the first response")
            check(call.code() == grpc.StatusCode.CANCELLED,
                  "the call completed with %s, expected CANCELLED" % call.code())
        finally:
            pipe.close()

    def timeout_on_sleeping_server(self):
        pipe = RequestPipe()
        call = self.stub.FullDuplexCall(pipe, timeout=0.001)
        try:
            pipe.send(self.messages.StreamingOutputCallRequest(payload=self.zeros(27182)))

            def read():
                for response in call:
                    raise CaseFailed("got a %d-byte response instead of DEADLINE_EXCEEDED"
                                     % len(response.payload.body))
                return "the end of the stream"

            error = self.expect_failure("FullDuplexCall with a 1 ms timeout", read)
            self.check_code(error, grpc.StatusCode.DEADLINE_EXCEEDED,
                            "FullDuplexCall with a 1 ms timeout")
        finally:
            pipe.close()
            call.cancel()

    def very_large_request(self):
        m = self.messages
        size = 10 * 1024 * 1024
        request = m.SimpleRequest(response_type=m.COMPRESSABLE, response_size=10,
                                  payload=self.zeros(size))
        response = self.stub.UnaryCall(request, timeout=CALL_TIMEOUT)
        self.check_payload(response.payload, 10, "UnaryCall response to a 10 MiB request")

    def cacheable_unary(self):
        # The spec's procedure. grpcio has no way to mark a call cacheable (no GET requests), so
        # both calls go out as POST, and only a cache in front of the server could make the two
        # payloads equal.
        m = self.messages
        now = str(time.time_ns()).encode("ascii")
        request = m.SimpleRequest(response_type=m.COMPRESSABLE,
                                  payload=m.Payload(type=m.COMPRESSABLE, body=now))
        metadata = (("x-user-ip", "1.2.3.4"),)
        first, call = self.stub.CacheableUnaryCall.with_call(request, metadata=metadata,
                                                             timeout=CALL_TIMEOUT)
        cache_control = [md.value for md in (call.initial_metadata() or ())
                         if md.key == "cache-control"]
        second = self.stub.CacheableUnaryCall(request, metadata=metadata, timeout=CALL_TIMEOUT)
        check(first.payload.body == second.payload.body,
              "CacheableUnaryCall: the two payloads differ (%r and %r, cache-control %r):"
              " no cache answered the second call (grpcio sent both as POST)"
              % (first.payload.body, second.payload.body, cache_control))

    def pick_first_unary(self):
        # The channel was made with grpcio's pick_first policy (its default, set explicitly).
        m = self.messages
        request = m.SimpleRequest(response_type=m.COMPRESSABLE, response_size=1,
                                  payload=self.zeros(1), fill_server_id=True)
        server_id = None
        hostname = ""
        for i in range(1, 101):
            response = self.stub.UnaryCall(request, timeout=CALL_TIMEOUT)
            self.check_payload(response.payload, 1, "UnaryCall %d response" % i)
            check(response.server_id,
                  "UnaryCall %d of 100: server_id is empty although fill_server_id is set, so"
                  " the server that answered cannot be identified" % i)
            if server_id is None:
                server_id = response.server_id
                hostname = response.hostname
            else:
                check(response.server_id == server_id,
                      "UnaryCall %d of 100 went to server_id %r, the first to %r"
                      % (i, response.server_id, server_id))
        self.notes.append("all 100 calls were answered by server_id %r%s"
                          % (server_id, " on host %r" % hostname if hostname else ""))

    def rpc_soak(self):
        self._soak(new_channels=False)

    def channel_soak(self):
        self._soak(new_channels=True)

    def _soak(self, new_channels):
        """soak_iterations large unary calls in sequence, on this client's channel (rpc_soak) or
        each on a new channel with a subchannel pool of its own, so a new connection
        (channel_soak; its creation counted in the latency, its close not). An iteration fails
        on a non-OK status, a wrong payload or a latency over the limit; the case fails if more
        than soak_max_failures do or the overall timeout cuts the loop short. No per-call
        deadline but the overall time left."""
        name = "channel_soak" if new_channels else "rpc_soak"
        f = self.flags
        m = self.messages
        request = m.SimpleRequest(response_type=m.COMPRESSABLE,
                                  response_size=f.soak_response_size,
                                  payload=self.zeros(f.soak_request_size))
        start = time.monotonic()
        overall_deadline = start + f.soak_overall_timeout_seconds
        completed = 0
        failures = 0
        latencies_ms = []
        next_start = start
        for i in range(f.soak_iterations):
            now = time.monotonic()
            if now < next_start:
                time.sleep(next_start - now)
            if time.monotonic() >= overall_deadline:
                break
            begin = time.monotonic()
            next_start = begin + f.soak_min_time_ms_between_rpcs / 1000.0
            channel = None
            stub = self.stub
            failure = None
            try:
                if new_channels:
                    channel = self.make_channel([("grpc.use_local_subchannel_pool", 1)])
                    stub = self.test_pb2_grpc.TestServiceStub(channel)
                response = stub.UnaryCall(request, timeout=max(0.001, overall_deadline - begin))
                elapsed_ms = (time.monotonic() - begin) * 1000.0
                self.check_payload(response.payload, f.soak_response_size, "UnaryCall response")
                if elapsed_ms > f.soak_per_iteration_max_acceptable_latency_ms:
                    failure = ("latency %d ms exceeds %d ms"
                               % (elapsed_ms, f.soak_per_iteration_max_acceptable_latency_ms))
            except grpc.RpcError as e:
                elapsed_ms = (time.monotonic() - begin) * 1000.0
                failure = "status %s: %r" % (e.code(), e.details())
            except CaseFailed as e:
                elapsed_ms = (time.monotonic() - begin) * 1000.0
                failure = str(e)
            finally:
                if channel is not None:
                    channel.close()
            completed += 1
            latencies_ms.append(elapsed_ms)
            line = "soak iteration: %d elapsed_ms: %d peer: %s" % (i, elapsed_ms, self.target)
            if failure is None:
                print(line + " succeeded", flush=True)
            else:
                failures += 1
                print(line + " failed: " + failure, flush=True)
        ordered = sorted(latencies_ms)

        def percentile(p):
            if not ordered:
                return "-"
            index = min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))
            return "%.1f" % ordered[index]

        summary = ("%s: %d of %d iterations completed, %d failed (at most %d allowed); latency ms"
                   " median %s, p90 %s, max %s"
                   % (name, completed, f.soak_iterations, failures, f.soak_max_failures,
                      percentile(50), percentile(90), percentile(100)))
        print(summary, flush=True)
        check(completed == f.soak_iterations,
              "%s: soak_overall_timeout_seconds=%d ran out"
              % (summary, f.soak_overall_timeout_seconds))
        check(failures <= f.soak_max_failures, summary)
        self.notes.append(summary)


CASES = [
    "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary",
    "client_streaming", "client_compressed_streaming", "server_streaming",
    "server_compressed_streaming", "ping_pong", "empty_stream", "custom_metadata",
    "status_code_and_message", "special_status_message", "unimplemented_method",
    "unimplemented_service", "cancel_after_begin", "cancel_after_first_response",
    "timeout_on_sleeping_server", "very_large_request", "cacheable_unary", "pick_first_unary",
    "rpc_soak", "channel_soak",
]


def main(argv):
    parser = peer_common.FlagParser(
        prog="interop_client.py",
        description="gRPC interop client on grpcio " + grpc.__version__)
    parser.add_argument("--server_host", default="localhost")
    parser.add_argument("--server_port", type=peer_common.parse_port, default=8080)
    parser.add_argument("--server_host_override", default="")
    parser.add_argument("--test_case", default="empty_unary", choices=CASES)
    parser.add_argument("--use_tls", type=peer_common.parse_bool, default=False)
    parser.add_argument("--use_test_ca", type=peer_common.parse_bool, default=False)
    # Accepted like other interop clients do; only the cloud-to-prod cases use them.
    for ignored in ("--default_service_account", "--oauth_scope", "--service_account_key_file",
                    "--service_config_json"):
        parser.add_argument(ignored, default="")
    for name, default in SOAK_DEFAULTS:
        parser.add_argument("--" + name, type=peer_common.parse_count, default=default)
    peer_common.add_location_flags(parser)
    flags = peer_common.parse_flags(parser, argv)
    if flags.server_port == 0:
        sys.stderr.write("--server_port must not be 0\n")
        return peer_common.EXIT_USAGE
    if flags.soak_overall_timeout_seconds is None:
        flags.soak_overall_timeout_seconds = max(
            1, -(-flags.soak_iterations * flags.soak_per_iteration_max_acceptable_latency_ms
                 // 1000))

    target = "%s:%d" % (flags.server_host, flags.server_port)
    where = target + (" (TLS)" if flags.use_tls else " (plaintext)")
    if flags.test_case in NOT_EXPRESSIBLE:
        print("UNSUPPORTED %s: %s" % (flags.test_case, NOT_EXPRESSIBLE[flags.test_case]))
        return EXIT_UNSUPPORTED

    stubs = peer_common.import_stubs(flags.gen_dir)
    options = []
    if flags.test_case == "pick_first_unary":
        options.append(("grpc.lb_policy_name", "pick_first"))
    root = None
    if flags.use_tls:
        root = peer_common.read_cert(flags.certs_dir, "ca.pem") if flags.use_test_ca else None
        if flags.server_host_override:
            options.append(("grpc.ssl_target_name_override", flags.server_host_override))
    elif flags.server_host_override:
        options.append(("grpc.default_authority", flags.server_host_override))

    def make_channel(extra_options=()):
        all_options = options + list(extra_options)
        if flags.use_tls:
            credentials = grpc.ssl_channel_credentials(root_certificates=root)
            return grpc.secure_channel(target, credentials, options=all_options)
        return grpc.insecure_channel(target, options=all_options)

    channel = make_channel()
    client = Client(channel, stubs, make_channel, flags, target)
    try:
        getattr(client, flags.test_case)()
    except Unsupported as e:
        print("UNSUPPORTED %s: %s" % (flags.test_case, e))
        return EXIT_UNSUPPORTED
    except CaseFailed as e:
        sys.stderr.write("FAILED %s against %s: %s\n" % (flags.test_case, where, e))
        return EXIT_FAILED
    except grpc.RpcError as e:
        sys.stderr.write("FAILED %s against %s: unexpected status %s: %r\n%s"
                         % (flags.test_case, where, e.code(), e.details(),
                            traceback.format_exc()))
        return EXIT_FAILED
    except Exception:
        sys.stderr.write("FAILED %s against %s:\n%s" % (flags.test_case, where,
                                                         traceback.format_exc()))
        return EXIT_FAILED
    finally:
        channel.close()
    for note in client.notes:
        print("note: " + note)
    print("PASSED %s against %s with grpcio %s" % (flags.test_case, where, grpc.__version__))
    return EXIT_PASSED


if __name__ == "__main__":
    peer_common.finish(main(sys.argv[1:]))
