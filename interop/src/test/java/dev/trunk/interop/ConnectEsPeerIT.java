package dev.trunk.interop;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * connect-es ({@code @connectrpc/connect-node}, gRPC protocol over HTTP/2, with code that {@code
 * protoc-gen-es} generates from the interop protos at test time) against Trunk in both directions:
 * {@code interop/peers/node/connect-es/client.js} against the Trunk interop server, and the Trunk
 * interop client against {@code server.js}; see {@link GrpcJsAndConnectEsPeers}.
 */
class ConnectEsPeerIT extends GrpcJsAndConnectEsPeers {
  /** Why the connect-es server cannot implement CompressedRequest. */
  static final String NO_COMPRESSED_REQUEST =
      "connect-es's server does not show a handler a request message's Compressed-Flag, so it"
          + " cannot implement the CompressedRequest feature (expect_compressed) that this case"
          + " probes and relies on.";

  /** Why the connect-es server cannot implement CompressedResponse. */
  static final String NO_COMPRESSED_RESPONSE =
      "connect-node compresses every response message of at least compressMinBytes in an"
          + " encoding the client accepts, chosen per server rather than per call or message, so it"
          + " cannot implement the CompressedResponse feature (response_compressed,"
          + " ResponseParameters.compressed) this case asks for.";

  /** Why the connect-es client cannot run client_compressed_streaming, in any protocol. */
  static final String NO_PER_MESSAGE_COMPRESSION =
      "connect-es compresses every request message of a call that is at least"
          + " compressMinBytes long (one threshold per transport), so it cannot send a"
          + " stream's first message compressed and its second, larger one"
          + " uncompressed.";

  private static final Map<String, Limit> CLIENT_LIMITS =
      Map.of("client_compressed_streaming", Limit.of(NO_PER_MESSAGE_COMPRESSION));

  private static final Map<String, Limit> SERVER_LIMITS =
      Map.of(
          "client_compressed_unary",
          new Limit(NO_COMPRESSED_REQUEST, "client_compressed_unary_noprobe"),
          "client_compressed_streaming",
          new Limit(NO_COMPRESSED_REQUEST, "client_compressed_streaming_noprobe"),
          "server_compressed_unary",
          Limit.of(NO_COMPRESSED_RESPONSE),
          "server_compressed_streaming",
          Limit.of(NO_COMPRESSED_RESPONSE));

  @Override
  String whyPost() {
    return "connect-es's gRPC transport always sends POST; GET requests for side-effect-free"
        + " methods exist only in the Connect protocol";
  }

  @Override
  String peer() {
    return "connect-es";
  }

  @Override
  Map<String, Limit> clientLimits() {
    return CLIENT_LIMITS;
  }

  @Override
  Map<String, Limit> serverLimits() {
    return SERVER_LIMITS;
  }

  @Override
  List<String> locationFlags() {
    return List.of(certsFlag());
  }

  /** Generates the connect-es code for the interop protos into the copy's gen/ (buf generate). */
  @Override
  String prepare(Path peerDir) {
    return runSetupStep(
        "connect-es-generate",
        List.of("node", peerDir.resolve("generate.js").toString(), protosFlag()));
  }
}
