#!/usr/bin/python3
"""Generates the Python stubs of grpc.testing's interop protos.

Usage: generate.py --protos_dir=DIR --out_dir=DIR

DIR of --protos_dir holds grpc/testing/{test,messages,empty}.proto (the build unpacks
them into interop/target/protos). The generated modules must not live in a package
named "grpc" (it would hide grpcio's own), so the protos are first copied flat into
OUT/protos with their imports rewritten ('import "grpc/testing/empty.proto"' becomes
'import "empty.proto"'), and then compiled with grpc_tools' protoc into top-level
modules: OUT/empty_pb2.py, OUT/messages_pb2.py, OUT/test_pb2.py, OUT/test_pb2_grpc.py.
"""

import argparse
import os
import re
import sys

PROTOS = ("empty.proto", "messages.proto", "test.proto")
IMPORT = re.compile(r'^(\s*import\s+(?:public\s+|weak\s+)?")grpc/testing/([A-Za-z0-9_]+\.proto)(";)',
                    re.MULTILINE)


def flatten(protos_dir, flat_dir):
    os.makedirs(flat_dir, exist_ok=True)
    for name in PROTOS:
        source = os.path.join(protos_dir, "grpc", "testing", name)
        if not os.path.isfile(source):
            raise SystemExit("generate.py: %s is missing (the build unpacks it)" % source)
        with open(source, encoding="utf-8") as f:
            text = f.read()
        text = IMPORT.sub(r"\1\2\3", text)
        if 'import "grpc/' in text:
            raise SystemExit("generate.py: %s imports a proto this script does not flatten" % source)
        with open(os.path.join(flat_dir, name), "w", encoding="utf-8") as f:
            f.write(text)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protos_dir", required=True)
    parser.add_argument("--out_dir", required=True)
    args = parser.parse_args(argv)

    try:
        from grpc_tools import protoc
    except ImportError as e:
        raise SystemExit(
            "generate.py: grpc_tools is missing (%s): apt-get install -y --no-install-recommends"
            " python3-grpcio python3-protobuf python3-grpc-tools" % e)

    flat_dir = os.path.join(args.out_dir, "protos")
    flatten(args.protos_dir, flat_dir)
    command = ["grpc_tools.protoc", "-I" + flat_dir, "--python_out=" + args.out_dir,
               "--grpc_python_out=" + args.out_dir]
    command += [os.path.join(flat_dir, name) for name in PROTOS]
    status = protoc.main(command)
    if status != 0:
        raise SystemExit("generate.py: protoc exited %d: %s" % (status, " ".join(command)))

    # Check that the modules load with this grpcio and protobuf runtime.
    sys.path.insert(0, args.out_dir)
    import empty_pb2  # noqa: F401
    import messages_pb2  # noqa: F401
    import test_pb2_grpc  # noqa: F401
    print("generated the interop stubs into %s" % os.path.abspath(args.out_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
