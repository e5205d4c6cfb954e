package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Interceptors written as lambdas, attached server-wide, per service and per method, and handing
 * typed values to the handler through {@link ContextKey}: over a real connection.
 */
class InterceptorScopeTest {
  private static final String SERVICE = "trunk.test.Scoped";
  private static final String OTHER_SERVICE = "trunk.test.Unscoped";
  private static final ContextKey<String> USER = ContextKey.named("user");
  private static final ContextKey<String> TENANT = ContextKey.named("tenant");
  private static final MethodDescriptor<StringValue, StringValue> WHO = unary(SERVICE, "Who"),
      OTHER = unary(SERVICE, "Other"),
      ELSEWHERE = unary(OTHER_SERVICE, "Elsewhere");

  private final List<String> ran = new CopyOnWriteArrayList<>();
  private @Nullable Server server;
  private @Nullable Channel channel;

  private static MethodDescriptor<StringValue, StringValue> unary(String service, String name) {
    return MethodDescriptor.of(
        service, name, MethodDescriptor.Type.UNARY, TestService.STRING, TestService.STRING);
  }

  private Interceptor recording(String name) {
    return Interceptor.onStart((call, headers) -> ran.add(name + " " + call.method().methodName()));
  }

  /** Answers with the user and tenant the interceptors attached, read through the keys. */
  private static StringValue who(StringValue request) {
    return StringValue.of(USER.get() + "@" + TENANT.find().orElse("-"));
  }

  private static final Interceptor AUTH =
      Interceptor.onStart(
          (call, headers) -> {
            String token = headers.get("authorization");
            if (token == null) {
              throw Status.UNAUTHENTICATED.withDescription("no token").asException();
            }
            call.put(USER, token.substring("Bearer ".length()));
          });

  private void start(ServiceDefinition... services) throws Exception {
    Server.Builder builder =
        Server.builder().address("127.0.0.1", 0).intercept(recording("server"));
    for (ServiceDefinition service : services) {
      builder.service(service);
    }
    server = builder.build().start();
    channel =
        Channel.forAddress("127.0.0.1", server.port())
            .intercept(Interceptor.onStart((call, headers) -> call.put(TENANT, "acme")))
            .intercept(
                Interceptor.onStart(
                    (call, headers) -> {
                      // A value put by an earlier client interceptor is visible to this one.
                      headers.add("authorization", "Bearer " + call.get(TENANT).orElseThrow());
                      headers.add("x-tenant", call.get(TENANT).orElseThrow());
                    }))
            .build();
  }

  private ServiceDefinition scoped() {
    return ServiceDefinition.builder(SERVICE)
        .unary(WHO, InterceptorScopeTest::who)
        .unary(OTHER, request -> StringValue.of("other"))
        .build();
  }

  private static ServiceDefinition unscoped() {
    return ServiceDefinition.builder(OTHER_SERVICE)
        .unary(ELSEWHERE, request -> StringValue.of(String.valueOf(USER.find().isPresent())))
        .build();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  private String call(MethodDescriptor<StringValue, StringValue> method) {
    return channel.unaryCall(method, StringValue.of("x"), CallOptions.DEFAULT).getValue();
  }

  @Test
  void aLambdaInterceptorAuthenticatesAndHandsTheUserToTheHandler() throws Exception {
    Interceptor tenantFromHeader =
        Interceptor.onStart((call, headers) -> call.put(TENANT, headers.get("x-tenant")));
    start(scoped().intercept(AUTH, tenantFromHeader), unscoped());

    assertThat(call(WHO)).isEqualTo("acme@acme");
    assertThat(call(ELSEWHERE))
        .as("the service's interceptor is not the server's")
        .isEqualTo("false");
  }

  @Test
  void aStatusThrownByALambdaEndsTheCallBeforeTheHandler() throws Exception {
    start(scoped().intercept(AUTH));
    channel.shutdownNow();
    channel = Channel.forAddress("127.0.0.1", server.port()).build(); // sends no token

    assertThatThrownBy(() -> call(WHO))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.status().description()).isEqualTo("no token");
            });
  }

  @Test
  void serverThenServiceThenMethodInterceptorsRunInOrderOnlyWhereAttached() throws Exception {
    ServiceDefinition service =
        scoped()
            .intercept("Who", recording("method"))
            .intercept(recording("service"), AUTH)
            .intercept("Who", recording("method2"));
    start(service, unscoped());

    call(WHO);
    call(OTHER);
    call(ELSEWHERE);

    assertThat(ran)
        .containsExactly(
            "server Who",
            "service Who",
            "method Who",
            "method2 Who",
            "server Other",
            "service Other",
            "server Elsewhere");
  }

  @Test
  void aMissingValueOrALateWriteSaysWhatIsWrong() throws Exception {
    AtomicReference<CallInfo<?, ?>> seen = new AtomicReference<>();
    ServiceDefinition service =
        ServiceDefinition.builder(SERVICE)
            .unary(
                WHO,
                request -> {
                  String missing = message(() -> USER.get());
                  String late = message(() -> seen.get().put(TENANT, "late"));
                  return StringValue.of(missing + "|" + late);
                })
            .build()
            .intercept(Interceptor.onStart((call, headers) -> seen.set(call)));
    start(service);

    assertThat(call(WHO))
        .contains("no value for context key \"user\" in the call of trunk.test.Scoped/Who")
        .contains(
            "context value \"tenant\" put after the interceptors of trunk.test.Scoped/Who ran");
    assertThatThrownBy(USER::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not inside a Trunk server handler");
    assertThat(USER.find()).isEmpty();
  }

  private static String message(Runnable action) {
    try {
      action.run();
      return "no exception";
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  @Test
  void aServiceWithItsOwnInterceptorsCanBeNonBlockingOrInterruptible() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    ServiceDefinition nonBlocking =
        ServiceDefinition.builder(SERVICE)
            .unary(
                WHO,
                request ->
                    StringValue.of(USER.get() + " virtual=" + Thread.currentThread().isVirtual()))
            .build()
            .intercept(AUTH);
    ServiceDefinition interruptible =
        ServiceDefinition.builder(OTHER_SERVICE)
            .unary(
                ELSEWHERE,
                request -> {
                  try {
                    Thread.sleep(60_000);
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                  }
                  return StringValue.of(USER.get());
                })
            .build()
            .intercept(AUTH);
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .nonBlockingService(nonBlocking)
            .interruptibleService(interruptible)
            .build()
            .start();
    channel =
        Channel.forAddress("127.0.0.1", server.port())
            .intercept(
                Interceptor.onStart((call, headers) -> headers.add("authorization", "Bearer ann")))
            .build();

    assertThat(call(WHO)).isEqualTo("ann virtual=false");
    CallOptions shortDeadline = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200));
    assertThatThrownBy(() -> channel.unaryCall(ELSEWHERE, StringValue.of("x"), shortDeadline))
        .isInstanceOf(StatusException.class);
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
  }

  @Test
  void interceptingAMethodTheServiceLacksNamesItsMethods() {
    assertThatThrownBy(() -> scoped().intercept("Delete", AUTH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service trunk.test.Scoped has no method Delete; its methods: [Who, Other]");
  }

  @Test
  void aFailingLambdaIsNamedByTheClassThatWroteIt() throws Exception {
    start(
        scoped()
            .intercept(
                Interceptor.onStart(
                    (call, headers) -> {
                      throw new IllegalStateException("bug");
                    })));

    assertThatThrownBy(() -> call(WHO))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.status().description())
                  .startsWith("interceptor dev.trunk.InterceptorScopeTest$$Lambda")
                  .endsWith("failed in interceptCall");
            });
  }
}
