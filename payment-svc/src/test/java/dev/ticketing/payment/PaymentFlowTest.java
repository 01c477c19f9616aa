package dev.ticketing.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OrderPlaced / OrderCancelled in, provider over HTTP, payment events out — on the real broker and database. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class PaymentFlowTest extends PaymentTestBase {

    @Test
    void approvedCardPublishesPaymentApprovedAndCapturesOnce() throws Exception {
        String orderId = newOrderId();
        placeOrder(orderId, "user-1", 55_000, "tok_approve");

        JsonNode approved = events.await(orderId, "PaymentApproved", WAIT);
        assertNotNull(UUID.fromString(approved.get("eventId").asText()));
        assertEquals(1, approved.get("schemaVersion").asInt());
        assertNotNull(OffsetDateTime.parse(approved.get("occurredAt").asText()));
        assertEquals(55_000, approved.get("amount").asLong());
        assertNotNull(UUID.fromString(approved.get("paymentId").asText()));
        List<JsonNode> ledger = sandbox.ledger(orderId);
        assertEquals(1, ledger.size());
        assertEquals("CAPTURE", ledger.get(0).get("kind").asText());
        assertEquals(ledger.get(0).get("paymentKey").asText(), approved.get("providerReference").asText());
        assertEquals(orderId, events.received(orderId).get(0).key(), "records are keyed by order id");
        assertEquals("APPROVED", statusOf(orderId));
    }

    /**
     * One trace follows the order: the OrderPlaced record's traceparent (from booking-svc's relay) is continued by the
     * intake, kept with the payment through the provider call on a worker, and sent on the PaymentApproved record —
     * same trace id, a span of payment-svc's own.
     */
    @Test
    void theOrdersTraceCrossesTheTopicsThroughThePayment() {
        String orderId = newOrderId();
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpan = "00f067aa0ba902b7";
        orders.send(orderId, OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, "user-trace", 12_000,
                "tok_approve"), "00-" + traceId + "-" + parentSpan + "-01");

        events.await(orderId, "PaymentApproved", WAIT);
        String traceparent = events.received(orderId).get(0).traceparent();
        assertNotNull(traceparent, "PaymentApproved carries a traceparent header");
        String[] parts = traceparent.split("-");
        assertEquals(4, parts.length, traceparent);
        assertEquals(traceId, parts[1], "the same trace as the order");
        assertTrue(!parts[2].equals(parentSpan) && !parts[2].equals("0000000000000000"),
                "a span of payment-svc's own: " + traceparent);

        // An order without trace context still gets one (a new trace), never a malformed header.
        String untraced = newOrderId();
        placeOrder(untraced, "user-trace", 12_000, "tok_approve");
        events.await(untraced, "PaymentApproved", WAIT);
        String fresh = events.received(untraced).get(0).traceparent();
        assertNotNull(fresh);
        assertTrue(fresh.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), fresh);
    }

    @Test
    void declinedCardPublishesPaymentFailedAndCapturesNothing() throws Exception {
        String orderId = newOrderId();
        placeOrder(orderId, "user-1", 10_000, "tok_decline");

        JsonNode failed = events.await(orderId, "PaymentFailed", WAIT);
        assertTrue(failed.get("reason").asText().startsWith("REJECT_CARD_PAYMENT"), failed.toString());
        assertEquals(List.of(), sandbox.ledgerKinds(orderId));
        assertEquals("FAILED", statusOf(orderId));
        assertEquals(1, sandbox.order(orderId).get("confirmRequests").asInt(), "a decline is final: no retry");
    }

    @Test
    void provider500IsRetriedWithTheSameKeyAndSucceeds() throws Exception {
        String orderId = newOrderId();
        sandbox.failNext(orderId, 2);
        placeOrder(orderId, "user-1", 20_000, "tok_approve");

        events.await(orderId, "PaymentApproved", WAIT);
        JsonNode counts = sandbox.order(orderId);
        assertEquals(3, counts.get("confirmRequests").asInt(), "two 500s, then the retry that succeeded");
        assertEquals(1, counts.get("captures").asInt());
        assertEquals(0, eventsOfType(orderId, "PaymentFailed"));
    }

    @Test
    void providerThatKeepsFailingEndsInPaymentFailedWithoutCharging() throws Exception {
        String orderId = newOrderId();
        placeOrder(orderId, "user-1", 20_000, "tok_error");

        JsonNode failed = events.await(orderId, "PaymentFailed", WAIT);
        assertTrue(failed.get("reason").asText().startsWith("PROVIDER_UNAVAILABLE"), failed.toString());
        JsonNode counts = sandbox.order(orderId);
        assertEquals(0, counts.get("captures").asInt());
        // bounded: 3 attempts × (1 call + 2 retries), each attempt after the first preceded by a status query
        assertEquals(9, counts.get("confirmRequests").asInt());
        assertTrue(counts.get("statusRequests").asInt() >= 3);
    }

    @Test
    void slowProviderTimesOutAndTheStatusQuerySettlesItWithoutASecondCharge() throws Exception {
        String orderId = newOrderId();
        sandbox.slowDelayMillis(4_000); // well past the 1.5 s confirm timeout of the test profile
        try {
            long start = System.nanoTime();
            placeOrder(orderId, "user-1", 30_000, "tok_slow");

            awaitStatus(orderId, "PROCESSING");
            JsonNode approved = events.await(orderId, "PaymentApproved", WAIT);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 4_000);
            JsonNode counts = sandbox.order(orderId);
            assertEquals(1, counts.get("confirmRequests").asInt(), "resolved by asking, never by confirming again");
            assertTrue(counts.get("statusRequests").asInt() >= 1, "the timeout was followed by a status query");
            assertEquals(1, counts.get("captures").asInt());
            assertEquals(sandbox.ledger(orderId).get(0).get("paymentKey").asText(),
                    approved.get("providerReference").asText());
        } finally {
            sandbox.slowDelayMillis(10_000);
        }
    }

    @Test
    void duplicateOrderPlacedChargesOnceAndPublishesOnce() throws Exception {
        String orderId = newOrderId();
        UUID eventId = UUID.randomUUID();
        Map<String, Object> placed = OrderEventsProducer.orderPlaced(eventId, orderId, "user-1", 40_000, "tok_approve");
        orders.send(orderId, placed);                 // the original
        orders.send(orderId, placed);                 // redelivered: same event id
        orders.send(orderId, OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, "user-1", 40_000,
                "tok_approve"));                      // re-published by the producer: new event id, same order

        events.await(orderId, "PaymentApproved", WAIT);
        // Let the duplicates reach the consumer and any stray worker run before counting.
        Thread.sleep(2_000);
        assertEquals(1, eventsOfType(orderId, "PaymentApproved"));
        assertEquals(List.of("CAPTURE"), sandbox.ledgerKinds(orderId));
        assertEquals(1, sandbox.order(orderId).get("confirmRequests").asInt());
        assertEquals(1, count("select count(*) from payment where order_id = ?", orderId));
    }

    @Test
    void cancelledOrderIsRefundedOnceAndPublishesPaymentRefunded() throws Exception {
        String orderId = newOrderId();
        placeOrder(orderId, "user-1", 77_000, "tok_approve");
        JsonNode approved = events.await(orderId, "PaymentApproved", WAIT);

        Map<String, Object> cancel = OrderEventsProducer.orderCancelled(UUID.randomUUID(), orderId, "user-1", "고객 변심");
        orders.send(orderId, cancel);
        orders.send(orderId, cancel); // redelivered
        JsonNode refunded = events.await(orderId, "PaymentRefunded", WAIT);
        assertEquals(77_000, refunded.get("amount").asLong());
        assertEquals(approved.get("providerReference").asText(), refunded.get("providerReference").asText());
        assertEquals(approved.get("paymentId").asText(), refunded.get("paymentId").asText());

        Thread.sleep(1_000);
        assertEquals(List.of("CAPTURE", "REFUND"), sandbox.ledgerKinds(orderId));
        assertEquals(1, sandbox.order(orderId).get("cancelRequests").asInt());
        assertEquals(1, eventsOfType(orderId, "PaymentRefunded"));
        assertEquals("REFUNDED", statusOf(orderId));
        List<String> types = events.events(orderId).stream().map(e -> e.get("type").asText()).toList();
        assertEquals(List.of("PaymentApproved", "PaymentRefunded"), types, "published in the order they happened");
    }

    @Test
    void orderCancelledWhileThePaymentIsInFlightIsRefundedOnceItIsApproved() throws Exception {
        String orderId = newOrderId();
        sandbox.slowDelayMillis(3_000);
        try {
            placeOrder(orderId, "user-1", 12_000, "tok_slow");
            awaitStatus(orderId, "PROCESSING");
            orders.send(orderId, OrderEventsProducer.orderCancelled(UUID.randomUUID(), orderId, "user-1", "timeout"));

            events.await(orderId, "PaymentRefunded", WAIT);
            assertEquals(List.of("CAPTURE", "REFUND"), sandbox.ledgerKinds(orderId));
            assertEquals(List.of("PaymentApproved", "PaymentRefunded"),
                    events.events(orderId).stream().map(e -> e.get("type").asText()).toList());
        } finally {
            sandbox.slowDelayMillis(10_000);
        }
    }

    @Test
    void invalidOrderPlacedIsRejectedWithPaymentFailedAndNeverCharged() throws Exception {
        String orderId = newOrderId();
        Map<String, Object> placed = OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, "user-1", -5,
                "tok_approve");
        orders.send(orderId, placed);
        orders.sendRaw(orderId, "{not json");                       // poison: dead-lettered, consumer keeps going
        orders.sendRaw(orderId, "{\"type\":\"SomethingNew\",\"eventId\":\"" + UUID.randomUUID() + "\"}");

        JsonNode failed = events.await(orderId, "PaymentFailed", WAIT);
        assertTrue(failed.get("reason").asText().contains("amount"), failed.toString());
        assertTrue(failed.get("paymentId").isNull());
        assertNull(statusOf(orderId));
        assertEquals(0, sandbox.order(orderId).get("confirmRequests").asInt());

        String next = newOrderId();                                  // and the consumer is still alive
        placeOrder(next, "user-1", 1_000, "tok_approve");
        events.await(next, "PaymentApproved", WAIT);
    }
}
