"""What the grpcio interop client and server share: flags, generated stubs, certificates."""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# interop/peers/python -> interop/target
DEFAULT_TARGET = os.path.normpath(os.path.join(HERE, "..", "..", "target"))
DEFAULT_GEN_DIR = os.path.join(DEFAULT_TARGET, "python-gen")
DEFAULT_CERTS_DIR = os.path.join(DEFAULT_TARGET, "classes", "certs")

INSTALL_HINT = ("apt-get install -y --no-install-recommends"
                " python3-grpcio python3-protobuf python3-grpc-tools")

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNSUPPORTED = 3


class UsageError(Exception):
    pass


class FlagParser(argparse.ArgumentParser):
    """argparse for --name=value flags that exits 2 with a usage line on a bad flag."""

    def error(self, message):
        raise UsageError(message)


def parse_bool(text):
    if text == "true":
        return True
    if text == "false":
        return False
    raise argparse.ArgumentTypeError("takes true or false, got %r" % text)


def parse_port(text):
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a port number" % text)
    if port < 0 or port > 65535:
        raise argparse.ArgumentTypeError("%r is not a port number" % text)
    return port


def parse_count(text):
    """A non-negative whole number, as the soak flags take."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text)
    if value < 0:
        raise argparse.ArgumentTypeError("%r is negative" % text)
    return value


def add_location_flags(parser):
    """Where the generated stubs and gRPC's test certificates are (not standard interop flags)."""
    parser.add_argument("--gen_dir", default=DEFAULT_GEN_DIR,
                        help="the stubs that generate.py wrote (default: %(default)s)")
    parser.add_argument("--certs_dir", default=DEFAULT_CERTS_DIR,
                        help="ca.pem, server1.pem and server1.key (default: %(default)s)")


def parse_flags(parser, argv):
    try:
        return parser.parse_args(argv)
    except UsageError as e:
        sys.stderr.write("%s\n%s" % (e, parser.format_usage()))
        sys.stderr.flush()
        os._exit(EXIT_USAGE)


def import_grpc():
    """Imports grpcio, or exits with the packages to install."""
    try:
        import grpc
        import google.protobuf  # noqa: F401
    except ImportError as e:
        sys.stderr.write("grpcio or protobuf is missing (%s): %s\n" % (e, INSTALL_HINT))
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    return grpc


def import_stubs(gen_dir):
    """Imports the generated modules: (empty_pb2, messages_pb2, test_pb2_grpc)."""
    if not os.path.isfile(os.path.join(gen_dir, "test_pb2_grpc.py")):
        sys.stderr.write(
            "%s has no generated stubs: run generate.py --protos_dir=interop/target/protos"
            " --out_dir=%s\n" % (gen_dir, gen_dir))
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    sys.path.insert(0, gen_dir)
    import empty_pb2
    import messages_pb2
    import test_pb2_grpc
    return empty_pb2, messages_pb2, test_pb2_grpc


def read_cert(certs_dir, name):
    path = os.path.join(certs_dir, name)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        sys.stderr.write("cannot read %s: %s\n" % (path, e))
        sys.stderr.flush()
        os._exit(EXIT_FAILED)


def finish(status):
    """Exits at once: grpcio's threads can hold up a normal interpreter exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
