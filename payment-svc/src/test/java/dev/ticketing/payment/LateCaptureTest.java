package dev.ticketing.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Charged with no ticket, never: a confirm that timed out may still be captured by the provider (the sandbox's
 * tok_late: no answer, no record, then a capture). The payment must not end FAILED while that can happen, and a
 * FAILED payment after which the provider captured anyway is found by the reconciliation and refunded.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class LateCaptureTest extends PaymentTestBase {

    /**
     * Test profile: confirm timeout 1.5 s, 3 attempts 300/600 ms apart, settle window 6 s from the last unanswered
     * confirm. The late success lands after 8 s, when the attempts are long used up (~5 s): without the settle
     * window the payment fails first and the fan is charged for a released seat. (A shorter delay would not tell:
     * a repeated confirm with the same key is answered with the late success once it completes.)
     */
    @Test
    void aConfirmThatTimedOutAndLandsLateEndsApprovedNotFailed() throws Exception {
        String orderId = newOrderId();
        sandbox.lateDelayMillis(8_000);
        try {
            placeOrder(orderId, "user-late", 25_000, "tok_late");
            JsonNode approved = events.await(orderId, "PaymentApproved", WAIT);
            assertEquals("APPROVED", statusOf(orderId));
            assertTrue(events.events(orderId).stream().noneMatch(e -> e.get("type").asText().equals("PaymentFailed")),
                    "never failed on the way: " + events.events(orderId));
            assertEquals(List.of("CAPTURE"), sandbox.ledgerKinds(orderId));
            assertEquals(sandbox.ledger(orderId).get(0).get("paymentKey").asText(),
                    approved.get("providerReference").asText());
        } finally {
            sandbox.lateDelayMillis(12_000);
        }
    }

    private UUID failedPayment(String orderId, boolean confirmUnanswered) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into payment (id, order_id, user_id, amount, currency, payment_token, status, attempts,
                                     failure_code, confirm_unanswered_at, updated_at)
                values (?, ?, 'user-9', 9000, 'KRW', 'tok_approve', 'FAILED', 3, 'PROVIDER_UNAVAILABLE', ?, now())""")) {
            s.setObject(1, id);
            s.setString(2, orderId);
            s.setObject(3, confirmUnanswered ? java.time.OffsetDateTime.now().minusHours(1) : null);
            s.executeUpdate();
        }
        return id;
    }

    private String reconciliationOf(UUID id) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select reconciliation from payment where id = ?")) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * A payment that failed after an unanswered confirm (as an older version, or a provider later than any window,
     * would leave it) while the provider did capture: the reconciliation refunds the capture exactly once. One the
     * provider never captured is recorded as such; a declined one (no unanswered confirm) is left alone.
     */
    @Test
    void theReconciliationRefundsACaptureThatLandedAfterThePaymentFailed() throws Exception {
        String captured = newOrderId();
        UUID late = failedPayment(captured, true);
        sandbox.confirm("tok_approve", captured, 9_000, "payment-" + late); // the confirm that "timed out" landed
        String never = newOrderId();
        UUID nothing = failedPayment(never, true);
        String declined = newOrderId();
        UUID untouched = failedPayment(declined, false);

        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((reconciliationOf(late) == null || reconciliationOf(nothing) == null) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("REFUNDED_LATE_CAPTURE", reconciliationOf(late));
        assertEquals(List.of("CAPTURE", "REFUND"), sandbox.ledgerKinds(captured), "captured once, refunded once");
        assertEquals("NOTHING_CAPTURED", reconciliationOf(nothing));
        assertEquals(List.of(), sandbox.ledgerKinds(never));
        assertNull(reconciliationOf(untouched), "a declined payment is the provider's answer: nothing to reconcile");
        assertEquals("FAILED", statusOf(captured), "the order stays failed: its seats went back on sale");

        // Runs again and again: nothing more happens.
        Thread.sleep(Duration.ofSeconds(3).toMillis());
        assertEquals(List.of("CAPTURE", "REFUND"), sandbox.ledgerKinds(captured));
    }
}
