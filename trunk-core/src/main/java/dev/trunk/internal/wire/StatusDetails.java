package dev.trunk.internal.wire;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.WireFormat;
import dev.trunk.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code grpc-status-details-bin}: a serialized {@code google.rpc.Status} (code = 1, message = 2,
 * repeated Any details = 3). Written by hand so the core needs no extra proto dependency.
 */
public final class StatusDetails {
  private static final int CODE = 1;
  private static final int MESSAGE = 2;
  private static final int DETAILS = 3;
  private static final int DETAILS_TAG = DETAILS << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private StatusDetails() {}

  public static byte[] encode(Status status) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      if (status.code().value() != 0) {
        out.writeInt32(CODE, status.code().value());
      }
      String description = status.description();
      if (description != null && !description.isEmpty()) {
        out.writeString(MESSAGE, description);
      }
      for (Any detail : status.details()) {
        out.writeMessage(DETAILS, detail);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Adds the details of an encoded {@code google.rpc.Status} to {@code status}, which keeps its
   * code and description from grpc-status and grpc-message (they are authoritative).
   *
   * @throws IllegalArgumentException if the bytes are not a {@code google.rpc.Status}
   */
  public static Status decode(byte[] encoded, Status status) {
    List<Any> details = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(encoded);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == DETAILS_TAG) {
          details.add(in.readMessage(Any.parser(), ExtensionRegistryLite.getEmptyRegistry()));
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("grpc-status-details-bin is not a google.rpc.Status", e);
    }
    return details.isEmpty() ? status : status.withDetails(details);
  }
}
