package dev.trunk.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.util.List;

/** Where a {@link Schema} comes from: server reflection, or {@code .proto} files or protosets. */
interface SchemaSource {
  /** The fully qualified names of the services, sorted. */
  List<String> services();

  /**
   * The file that declares {@code symbol} (a fully qualified service, method, message or enum) and
   * the files it imports, as many as the source has; empty if the source knows no such symbol.
   */
  List<FileDescriptorProto> filesContaining(String symbol);
}
