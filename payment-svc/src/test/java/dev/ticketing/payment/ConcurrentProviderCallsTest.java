package dev.ticketing.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider calls are bounded by the payments in flight, not by threads: with 2 worker threads and room for 16
 * payments, the confirms of 24 orders (each taking a second at the provider) reach the provider many at a time — the
 * sandbox counts at least 8 in progress at once, never more than 16 — and every order is still charged exactly once.
 * A worker that waited for the provider's answer would let at most 2 through at a time.
 */
@QuarkusTest
@TestProfile(ConcurrentProviderCallsTest.TwoWorkers.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class ConcurrentProviderCallsTest extends PaymentTestBase {

    static final int WORKERS = 2;
    static final int MAX_IN_FLIGHT = 16;
    static final int ORDERS = 24;

    public static class TwoWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "payment.processing.workers", Integer.toString(WORKERS),
                    "payment.processing.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
                    // The slow confirms must be answered, not cut short by the test profile's 1.5 s timeout.
                    "quarkus.fault-tolerance.\"dev.ticketing.payment.provider.TossPaymentsGateway/confirm\""
                            + ".timeout.value", "10000");
        }
    }

    @Test
    void confirmsOfManyPaymentsAreInFlightAtOnceUpToTheBound() throws Exception {
        // tok_slow: the provider holds every confirm for this long before it captures and answers.
        sandbox.slowDelayMillis(1_000);
        try {
            sandbox.resetConcurrency();
            List<String> orderIds = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                String orderId = newOrderId();
                orderIds.add(orderId);
                placeOrder(orderId, "fan-" + i, 10_000, "tok_slow");
            }
            for (String orderId : orderIds) {
                events.await(orderId, "PaymentApproved", WAIT);
            }

            int most = sandbox.maxConfirmsInFlight();
            assertTrue(most >= 8, "confirms in flight at once: " + most + ", with " + WORKERS + " worker threads");
            assertTrue(most <= MAX_IN_FLIGHT, "confirms in flight at once: " + most + ", bound " + MAX_IN_FLIGHT);
            for (String orderId : orderIds) {
                awaitStatus(orderId, "APPROVED");
                JsonNode counts = sandbox.order(orderId);
                assertEquals(1, counts.get("confirmRequests").asInt(), orderId);
                assertEquals(1, counts.get("captures").asInt(), orderId);
                assertEquals(1, eventsOfType(orderId, "PaymentApproved"), orderId);
            }
        } finally {
            sandbox.slowDelayMillis(10_000);
        }
    }
}
