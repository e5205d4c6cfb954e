package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.List;

/** The rules on a service present on both sides: its methods and their signatures. */
final class ServiceRules {
  /** MethodOptions' idempotency_level. */
  private static final int OPTION_IDEMPOTENCY_LEVEL = 34;

  private ServiceRules() {}

  static void check(Side before, Side after, Report report) {
    before.services.forEach(
        (name, old) -> {
          ServiceDescriptor current = after.services.get(name);
          if (current != null) {
            checkPair(old, current, report);
          }
        });
  }

  private static void checkPair(ServiceDescriptor old, ServiceDescriptor current, Report report) {
    for (MethodDescriptor method : old.getMethods()) {
      MethodDescriptor now = current.findMethodByName(method.getName());
      if (now == null) {
        report.add(
            Rule.RPC_NO_DELETE,
            current.getFile(),
            "method " + method.getName() + " of service " + current.getName() + " was deleted",
            Where.path(current));
      } else {
        method(method, now, report);
      }
    }
  }

  private static void method(MethodDescriptor old, MethodDescriptor current, Report report) {
    String name = "method " + current.getService().getName() + "." + current.getName();
    List<Integer> at = Where.path(current);
    String input = old.getInputType().getFullName();
    if (!input.equals(current.getInputType().getFullName())) {
      report.add(
          Rule.RPC_SAME_REQUEST_TYPE,
          current.getFile(),
          name
              + " changed request type from "
              + input
              + " to "
              + current.getInputType().getFullName(),
          Where.append(at, Where.METHOD_INPUT));
    }
    String output = old.getOutputType().getFullName();
    if (!output.equals(current.getOutputType().getFullName())) {
      report.add(
          Rule.RPC_SAME_RESPONSE_TYPE,
          current.getFile(),
          name
              + " changed response type from "
              + output
              + " to "
              + current.getOutputType().getFullName(),
          Where.append(at, Where.METHOD_OUTPUT));
    }
    if (old.isClientStreaming() != current.isClientStreaming()) {
      report.add(
          Rule.RPC_SAME_CLIENT_STREAMING,
          current.getFile(),
          name + " changed to client " + streaming(current.isClientStreaming()),
          at);
    }
    if (old.isServerStreaming() != current.isServerStreaming()) {
      report.add(
          Rule.RPC_SAME_SERVER_STREAMING,
          current.getFile(),
          name + " changed to server " + streaming(current.isServerStreaming()),
          at);
    }
    var before = old.getOptions().getIdempotencyLevel();
    var after = current.getOptions().getIdempotencyLevel();
    if (before != after) {
      report.add(
          Rule.RPC_SAME_IDEMPOTENCY_LEVEL,
          current.getFile(),
          name + " changed idempotency_level from " + before + " to " + after,
          Where.append(at, Where.METHOD_OPTIONS, OPTION_IDEMPOTENCY_LEVEL));
    }
  }

  private static String streaming(boolean streaming) {
    return streaming ? "streaming" : "unary";
  }
}
