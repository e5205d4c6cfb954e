package dev.trunk.internal.web;

import com.google.protobuf.Descriptors.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's HTTP routes from {@code google.api.http} options (google/api/http.proto, "gRPC
 * Transcoding"): each binding of each unary method, by HTTP method, tried most specific first.
 * Built at registration, then read-only.
 *
 * @param <T> what a route leads to (the server's method)
 */
public final class HttpRoutes<T> {
  /** A request's route and the values of its path variables, still without the query. */
  public record Match<T>(HttpRoute<T> route, Map<String, String> variables) {}

  private final Map<String, List<HttpRoute<T>>> byHttpMethod = new HashMap<>();
  private final Map<String, HttpRoute<T>> byShape = new HashMap<>();

  /**
   * Adds the routes of a method's {@code google.api.http} option, if it has one.
   *
   * @throws IllegalArgumentException if the option is invalid for the method, or a binding has the
   *     HTTP method and path shape of another method's, naming both
   */
  public void add(T target, MethodDescriptor schema) {
    String name = schema.getFullName();
    List<HttpBinding> bindings;
    try {
      bindings = HttpBinding.of(schema.getOptions());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("google.api.http of " + name + ": " + e.getMessage(), e);
    }
    for (HttpBinding binding : bindings) {
      add(new HttpRoute<>(target, name, binding, schema.getInputType(), schema.getOutputType()));
    }
  }

  private void add(HttpRoute<T> route) {
    String shape = route.binding().httpMethod() + " " + route.template().shape();
    HttpRoute<T> existing = byShape.putIfAbsent(shape, route);
    if (existing != null) {
      throw new IllegalArgumentException(
          "HTTP rule "
              + route.binding()
              + " of "
              + route.methodName()
              + " conflicts with "
              + existing.binding()
              + " of "
              + existing.methodName());
    }
    List<HttpRoute<T>> routes =
        byHttpMethod.computeIfAbsent(route.binding().httpMethod(), method -> new ArrayList<>());
    routes.add(route);
    routes.sort((a, b) -> a.template().compareSpecificity(b.template()));
  }

  /** Whether no method has an HTTP binding. */
  public boolean isEmpty() {
    return byShape.isEmpty();
  }

  /**
   * The most specific route of {@code httpMethod} whose template matches the raw {@code path}
   * (without query), or null.
   *
   * @throws IllegalArgumentException if the matching route's variable has a malformed
   *     percent-encoding
   */
  public @Nullable Match<T> match(CharSequence httpMethod, String path) {
    List<HttpRoute<T>> routes = byHttpMethod.get(httpMethod.toString());
    if (routes == null) {
      return null;
    }
    for (HttpRoute<T> route : routes) {
      Map<String, String> variables = route.template().match(path);
      if (variables != null) {
        return new Match<>(route, variables);
      }
    }
    return null;
  }
}
