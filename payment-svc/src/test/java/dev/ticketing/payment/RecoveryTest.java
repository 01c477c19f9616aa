package dev.ticketing.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.payment.charge.PaymentProcessor;
import dev.ticketing.payment.charge.PaymentStore;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A payment-svc instance that died mid-payment leaves a row behind (PENDING, or PROCESSING with its lease running
 * out); the recovery sweep of a surviving instance finishes it by asking the provider first — never a double capture.
 * Also: racing workers and racing duplicate events on one payment.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class RecoveryTest extends PaymentTestBase {

    @Inject
    PaymentProcessor processor;

    @Inject
    PaymentStore store;

    /** The row a crashed instance leaves: claimed once (attempts = 1), lease already over. */
    private UUID insertPayment(String orderId, String status, int attempts, long amount, String token) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into payment (id, order_id, user_id, amount, currency, payment_token, status, attempts,
                                     next_attempt_at)
                values (?, ?, 'user-9', ?, 'KRW', ?, ?, ?, now() - interval '1 second')""")) {
            s.setObject(1, id);
            s.setString(2, orderId);
            s.setLong(3, amount);
            s.setString(4, token);
            s.setString(5, status);
            s.setInt(6, attempts);
            s.executeUpdate();
        }
        return id;
    }

    @Test
    void crashAfterTheProviderCapturedIsSettledByAStatusQueryNotASecondConfirm() throws Exception {
        String orderId = newOrderId();
        UUID id = UUID.randomUUID();
        // The dead instance's confirm reached the provider and captured; its answer was lost with the instance.
        JsonNode captured = sandbox.confirm("tok_approve", orderId, 9_000, "payment-" + id);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into payment (id, order_id, user_id, amount, currency, payment_token, status, attempts,
                                     next_attempt_at)
                values (?, ?, 'user-9', 9000, 'KRW', 'tok_approve', 'PROCESSING', 1, now() - interval '1 second')""")) {
            s.setObject(1, id);
            s.setString(2, orderId);
            s.executeUpdate();
        }

        JsonNode approved = events.await(orderId, "PaymentApproved", WAIT);
        assertEquals(captured.get("paymentKey").asText(), approved.get("providerReference").asText());
        assertEquals(id.toString(), approved.get("paymentId").asText());
        JsonNode counts = sandbox.order(orderId);
        assertEquals(1, counts.get("confirmRequests").asInt(), "only the dead instance's confirm");
        assertEquals(1, counts.get("captures").asInt());
    }

    @Test
    void crashBeforeTheProviderSawThePaymentIsConfirmedOnRecovery() throws Exception {
        String orderId = newOrderId();
        insertPayment(orderId, "PROCESSING", 1, 8_000, "tok_approve");

        events.await(orderId, "PaymentApproved", WAIT);
        JsonNode counts = sandbox.order(orderId);
        assertEquals(1, counts.get("captures").asInt());
        assertEquals(1, counts.get("confirmRequests").asInt());
        assertEquals(1, counts.get("statusRequests").asInt(), "asked first, confirmed only after a NOT_FOUND");
    }

    @Test
    void paymentRecordedButNeverStartedIsPickedUpBySweep() throws Exception {
        String orderId = newOrderId();
        insertPayment(orderId, "PENDING", 0, 7_000, "tok_decline");

        JsonNode failed = events.await(orderId, "PaymentFailed", WAIT);
        assertEquals("REJECT_CARD_PAYMENT", failed.get("reason").asText().split(":")[0]);
    }

    @Test
    void workersRacingForOnePaymentCallTheProviderOnce() throws Exception {
        String orderId = newOrderId();
        UUID id = insertPayment(orderId, "PENDING", 0, 6_000, "tok_approve");
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    processor.process(id).await().indefinitely();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        events.await(orderId, "PaymentApproved", WAIT);
        Thread.sleep(1_000);
        assertEquals(1, sandbox.order(orderId).get("confirmRequests").asInt());
        assertEquals(1, eventsOfType(orderId, "PaymentApproved"));
    }

    @Test
    void concurrentDuplicateOrderEventsCreateOnePayment() throws Exception {
        String orderId = newOrderId();
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        int created = 0;
        try {
            List<Callable<Optional<UUID>>> calls = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                calls.add(() -> {
                    go.await();
                    return store.register(UUID.randomUUID(),
                            new PaymentStore.NewPayment(orderId, "user-9", 5_000, "KRW", "tok_decline"), Duration.ZERO);
                });
            }
            List<Future<Optional<UUID>>> results = new ArrayList<>();
            for (Callable<Optional<UUID>> c : calls) {
                results.add(pool.submit(c));
            }
            go.countDown();
            for (Future<Optional<UUID>> f : results) {
                created += f.get().isPresent() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, created);
        assertEquals(1, count("select count(*) from payment where order_id = ?", orderId));
        events.await(orderId, "PaymentFailed", WAIT); // the sweep still processes the one payment
    }
}
