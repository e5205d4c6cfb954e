package dev.trunk.interop;

import java.util.List;
import java.util.Map;

/**
 * grpc-js ({@code @grpc/grpc-js}, with {@code @grpc/proto-loader} on the interop protos) against
 * Trunk in both directions: {@code interop/peers/node/grpc-js/client.js} against the Trunk interop
 * server, and the Trunk interop client against {@code server.js}; see {@link
 * GrpcJsAndConnectEsPeers}.
 */
class GrpcJsPeerIT extends GrpcJsAndConnectEsPeers {
  /** Why the grpc-js server cannot implement CompressedRequest. */
  private static final String NO_COMPRESSED_REQUEST =
      "grpc-js's server shows a handler neither a request message's Compressed-Flag nor the"
          + " grpc-encoding header (it removes it from the metadata), so it cannot implement the"
          + " CompressedRequest feature (expect_compressed) that this case probes and relies on.";

  /** Why the grpc-js server cannot implement CompressedResponse. */
  private static final String NO_COMPRESSED_RESPONSE =
      "grpc-js's server never compresses a response (it always writes the Compressed-Flag 0), so"
          + " it cannot implement the CompressedResponse feature (response_compressed,"
          + " ResponseParameters.compressed) this case asks for.";

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
    return "grpc-js has no way to mark a call cacheable, so no GET request";
  }

  @Override
  String peer() {
    return "grpc-js";
  }

  /** grpc-js's client expresses every case (per-message compression with WriteFlags). */
  @Override
  Map<String, Limit> clientLimits() {
    return Map.of();
  }

  @Override
  Map<String, Limit> serverLimits() {
    return SERVER_LIMITS;
  }

  @Override
  List<String> locationFlags() {
    return List.of(protosFlag(), certsFlag());
  }
}
