package dev.trunk.codegen;

/**
 * A request the generator cannot serve: an option it does not take, an edition it does not know, or
 * a type the request does not define. Reported to protoc as the response's error, not thrown out of
 * the plugin.
 */
public final class CodegenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with this message, shown by protoc as the plugin's error. */
  public CodegenException(String message) {
    super(message);
  }
}
