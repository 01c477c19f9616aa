package dev.ticketing.payment.support;

import dev.ticketing.sandbox.PaymentSandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.time.Duration;
import java.util.Map;

/** Runs the payment sandbox on a free port for the test JVM and points payment-svc's provider client at it. */
public class SandboxTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET_KEY = "test_sk_payment_svc_tests";

    private PaymentSandbox sandbox;

    @Override
    public Map<String, String> start() {
        sandbox = PaymentSandbox.start(0, SECRET_KEY, Duration.ofSeconds(10));
        return Map.of(
                "quarkus.rest-client.toss-payments.url", sandbox.baseUrl(),
                "payment.provider.secret-key", SECRET_KEY);
    }

    @Override
    public void stop() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }
}
