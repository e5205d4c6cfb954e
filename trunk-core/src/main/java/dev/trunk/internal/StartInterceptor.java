package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;

/** The interceptor behind {@link Interceptor#onStart}: runs its hook and observes nothing. */
public record StartInterceptor(Interceptor.StartHook hook) implements Interceptor {
  @Override
  public <Req, Resp> CallObserver<Req, Resp> interceptCall(
      CallInfo<Req, Resp> call, Metadata requestHeaders) {
    hook.onStart(call, requestHeaders);
    return CallObserver.none();
  }
}
