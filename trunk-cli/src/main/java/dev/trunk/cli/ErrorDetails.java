package dev.trunk.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.StatusProto;
import java.util.ArrayList;
import java.util.List;

/** The common error detail types of google/rpc/error_details.proto, known without a schema. */
final class ErrorDetails {
  private ErrorDetails() {}

  /** ErrorInfo, RetryInfo, BadRequest, ... and google.rpc.Status itself. */
  static List<Descriptor> types() {
    List<Descriptor> types = new ArrayList<>(ErrorDetailsProto.getDescriptor().getMessageTypes());
    types.addAll(StatusProto.getDescriptor().getMessageTypes());
    return types;
  }
}
