package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.booking.order.OrderService;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The order state machine end to end over the real broker, with this test playing payment-svc. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class OrderFlowTest extends BookingTestBase {

    @Inject
    OrderService orders;

    @Inject
    AgroalDataSource db;

    record Placed(Show show, String user, String orderId, JsonNode orderPlaced) {
    }

    Placed placeOrder(String paymentToken) {
        Show show = newShow(1, 4);
        String user = fan();
        String holdId = hold(user, show, show.seatIds().subList(0, 2)).then().statusCode(201).extract().path("holdId");
        String orderId = order(user, show, holdId, paymentToken).then().statusCode(202)
                .body("status", equalTo("PENDING")).body("amount", equalTo(100000)).body("seats", hasSize(2))
                .extract().path("orderId");
        // placing the same hold again is idempotent: same order
        order(user, show, holdId, paymentToken).then().statusCode(202).body("orderId", equalTo(orderId));
        JsonNode placed = EventLog.await("order-events", e -> orderId.equals(e.path("orderId").asText()));
        return new Placed(show, user, orderId, placed);
    }

    String status(Placed p) {
        return as(tokenOf(p.user())).get("/api/orders/" + p.orderId()).then().statusCode(200).extract().path("status");
    }

    void awaitStatus(Placed p, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(status(p)));
    }

    @Test
    void approvedPaymentConfirmsTheOrderSellsTheSeatsAndFreesTheQueueSlot() {
        Placed p = placeOrder("tok_approve");
        assertEquals("OrderPlaced", p.orderPlaced().path("type").asText());
        assertEquals(100000, p.orderPlaced().path("amount").asLong());
        assertEquals("tok_approve", p.orderPlaced().path("paymentToken").asText());
        assertEquals(p.user(), p.orderPlaced().path("userId").asText());
        assertEquals(2, p.orderPlaced().path("seatIds").size());

        String eventId = UUID.randomUUID().toString();
        EventLog.publishPaymentEvent(eventId, "PaymentApproved", p.orderId(),
                Map.of("paymentId", "pay-1", "amount", 100000, "providerReference", "ref-1"));
        awaitStatus(p, "CONFIRMED");
        HoldTest.seatStatus(p.show(), 0, "SOLD");
        HoldTest.seatStatus(p.show(), 1, "SOLD");
        EventLog.await("booking-events", e -> "BookingCompleted".equals(e.path("type").asText())
                && p.orderId().equals(e.path("orderId").asText()) && p.user().equals(e.path("userId").asText()));

        // cancel → OrderCancelled → refund → REFUNDED and seats back on sale
        as(tokenOf(fan())).post("/api/orders/" + p.orderId() + "/cancel").then().statusCode(404);
        as(tokenOf(p.user())).post("/api/orders/" + p.orderId() + "/cancel").then().statusCode(202)
                .body("status", equalTo("CANCELLED"));
        EventLog.await("order-events", e -> "OrderCancelled".equals(e.path("type").asText())
                && p.orderId().equals(e.path("orderId").asText()));
        HoldTest.seatStatus(p.show(), 0, "SOLD");
        EventLog.publishPaymentEvent(UUID.randomUUID().toString(), "PaymentRefunded", p.orderId(),
                Map.of("paymentId", "pay-1", "amount", 100000, "providerReference", "ref-1"));
        awaitStatus(p, "REFUNDED");
        HoldTest.seatStatus(p.show(), 0, "AVAILABLE");

        // a redelivered approval changes nothing: still REFUNDED, seats still on sale
        EventLog.publishPaymentEvent(eventId, "PaymentApproved", p.orderId(),
                Map.of("paymentId", "pay-1", "amount", 100000, "providerReference", "ref-1"));
        String marker = UUID.randomUUID().toString();
        Placed q = placeOrder("tok_approve");
        EventLog.publishPaymentEvent(marker, "PaymentApproved", q.orderId(), Map.of("paymentId", "pay-2"));
        awaitStatus(q, "CONFIRMED"); // events after the redelivery were applied, so the redelivery was too
        assertEquals("REFUNDED", status(p));
        HoldTest.seatStatus(p.show(), 0, "AVAILABLE");
    }

    /**
     * One trace follows the order: the order request's trace (a client's traceparent) reaches payment-svc on the
     * OrderPlaced record, and the payment result's trace reaches queue-svc on BookingCompleted — same trace id, a span
     * of booking-svc's own each time.
     */
    @Test
    void theOrdersTraceCrossesTheTopics() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String clientSpan = "00f067aa0ba902b7";
        Show show = newShow(1, 4);
        String user = fan();
        String holdId = hold(user, show, show.seatIds().subList(0, 1)).then().statusCode(201).extract().path("holdId");
        String orderId = as(tokenOf(user)).header("X-Admission-Token", AdmissionTestResource.token(user, show.performanceId()))
                .header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                .body(Map.of("holdId", holdId, "paymentToken", "tok_approve")).post("/api/orders")
                .then().statusCode(202).extract().path("orderId");
        assertSameTrace(traceId, clientSpan,
                EventLog.traceparentOf("order-events", e -> orderId.equals(e.path("orderId").asText())));

        String paymentSpan = "b7ad6b7169203331";
        EventLog.publishPaymentEvent(UUID.randomUUID().toString(), "PaymentApproved", orderId,
                Map.of("paymentId", "pay-t", "amount", 50000, "providerReference", "ref-t"),
                "00-" + traceId + "-" + paymentSpan + "-01");
        assertSameTrace(traceId, paymentSpan, EventLog.traceparentOf("booking-events",
                e -> "BookingCompleted".equals(e.path("type").asText()) && orderId.equals(e.path("orderId").asText())));
    }

    private static void assertSameTrace(String traceId, String parentSpan, String traceparent) {
        assertNotNull(traceparent, "the record carries a traceparent header");
        String[] parts = traceparent.split("-");
        assertEquals(4, parts.length, traceparent);
        assertEquals(traceId, parts[1], "the same trace: " + traceparent);
        assertNotEquals(parentSpan, parts[2], "a span of booking-svc's own: " + traceparent);
    }

    /**
     * A poll full of results is applied set-based: 12 approvals sent back to back, 4 of them twice, one order approved
     * and then failed, one approval for an order that expired meanwhile. Every approved order is CONFIRMED once with
     * its seats SOLD and exactly one BookingCompleted; the later failure changes nothing; the expired order's money
     * goes back (OrderCancelled); the redelivered ids are applied once.
     */
    @Test
    void aBurstOfPaymentResultsIsAppliedOnceEach() throws Exception {
        List<Placed> approved = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            approved.add(placeOrder("tok_approve"));
        }
        Placed expired = placeOrder("tok_slow");
        expire(expired);

        List<EventLog.PaymentResult> burst = new java.util.ArrayList<>();
        for (int i = 0; i < approved.size(); i++) {
            Placed p = approved.get(i);
            var result = new EventLog.PaymentResult(UUID.randomUUID().toString(), "PaymentApproved", p.orderId(),
                    Map.of("paymentId", "pay-b" + i, "amount", 100000, "providerReference", "ref-b" + i));
            burst.add(result);
            if (i < 4) {
                burst.add(result); // redelivered in the same poll
            }
        }
        Placed last = approved.get(approved.size() - 1);
        burst.add(new EventLog.PaymentResult(UUID.randomUUID().toString(), "PaymentFailed", last.orderId(),
                Map.of("paymentId", "pay-late", "reason", "too late to matter")));
        burst.add(new EventLog.PaymentResult(UUID.randomUUID().toString(), "PaymentApproved", expired.orderId(),
                Map.of("paymentId", "pay-x", "amount", 100000, "providerReference", "ref-x")));
        EventLog.publishPaymentEvents(burst);

        for (Placed p : approved) {
            awaitStatus(p, "CONFIRMED");
            HoldTest.seatStatus(p.show(), 0, "SOLD");
            HoldTest.seatStatus(p.show(), 1, "SOLD");
        }
        JsonNode refund = EventLog.await("order-events", e -> "OrderCancelled".equals(e.path("type").asText())
                && expired.orderId().equals(e.path("orderId").asText()));
        assertEquals(expired.user(), refund.path("userId").asText());
        assertEquals("EXPIRED", status(expired));
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from outbox_event "
                     + "where event_type = 'BookingCompleted' and payload->>'orderId' = ?")) {
            for (int i = 0; i < approved.size(); i++) {
                Placed p = approved.get(i);
                ps.setString(1, p.orderId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "one BookingCompleted for order " + i);
                }
                assertEquals("pay-b" + i, paymentIdOf(p),
                        "order " + i + " carries its own payment");
            }
        }
        assertEquals("CONFIRMED", status(last), "a failure after the approval changes nothing");
    }

    /** The order's deadline passes and the sweeper expires it (seats back on sale, BookingAbandoned). */
    private void expire(Placed p) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("update booking_order set expires_at = now() - interval '1 second' where id = ?::uuid")) {
            ps.setString(1, p.orderId());
            ps.executeUpdate();
        }
        orders.expireOverdueOrders(100);
        assertEquals("EXPIRED", status(p));
    }

    private String paymentIdOf(Placed p) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select payment_id from booking_order where id = ?::uuid")) {
            ps.setString(1, p.orderId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A double (or octuple) click: parallel orders of one hold all answer the one order it became. */
    @Test
    void parallelOrdersOfOneHoldMakeOneOrder() throws Exception {
        Show show = newShow(1, 4);
        String user = fan();
        String holdId = hold(user, show, show.seatIds().subList(0, 2)).then().statusCode(201).extract().path("holdId");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return order(user, show, holdId, "tok_approve").then().statusCode(202).extract().path("orderId");
                }));
            }
            start.countDown();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var a : answers) {
                ids.add(a.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, ids.size(), "one order: " + ids);
            try (Connection c = db.getConnection();
                 PreparedStatement ps = c.prepareStatement("select (select count(*) from booking_order where hold_id = ?::uuid), "
                         + "(select count(*) from outbox_event where event_type = 'OrderPlaced' and event_key = ?)")) {
                ps.setString(1, holdId);
                ps.setString(2, ids.iterator().next());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "one order row");
                    assertEquals(1, rs.getInt(2), "one OrderPlaced");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void declinedPaymentFailsTheOrderAndReleasesTheSeats() {
        Placed p = placeOrder("tok_decline");
        EventLog.publishPaymentEvent(UUID.randomUUID().toString(), "PaymentFailed", p.orderId(),
                Map.of("paymentId", "pay-3", "reason", "card declined"));
        awaitStatus(p, "FAILED");
        as(tokenOf(p.user())).get("/api/orders/" + p.orderId()).then().body("failureReason", equalTo("card declined"));
        HoldTest.seatStatus(p.show(), 0, "AVAILABLE");
        as(tokenOf(p.user())).post("/api/orders/" + p.orderId() + "/cancel").then().statusCode(409);
    }

    @Test
    void anUnpaidOrderExpiresAndALatePaymentIsRefunded() throws Exception {
        Placed p = placeOrder("tok_slow");
        expire(p);
        HoldTest.seatStatus(p.show(), 0, "AVAILABLE");
        EventLog.await("booking-events", e -> "BookingAbandoned".equals(e.path("type").asText())
                && p.orderId().equals(e.path("orderId").asText()));

        EventLog.publishPaymentEvent(UUID.randomUUID().toString(), "PaymentApproved", p.orderId(),
                Map.of("paymentId", "pay-4", "amount", 100000, "providerReference", "ref-4"));
        JsonNode refund = EventLog.await("order-events", e -> "OrderCancelled".equals(e.path("type").asText())
                && p.orderId().equals(e.path("orderId").asText()));
        assertEquals(p.user(), refund.path("userId").asText());
        assertEquals("EXPIRED", status(p));
    }

    @Test
    void ordersAreVisibleToTheirOwnerOnlyAndNeedALiveHoldOfTheirOwn() {
        Placed p = placeOrder("tok_approve");
        as(tokenOf(fan())).get("/api/orders/" + p.orderId()).then().statusCode(404);
        as(ADMIN).get("/api/orders/" + p.orderId()).then().statusCode(200);
        as(tokenOf(p.user())).get("/api/orders").then().statusCode(200).body("orderId", equalTo(List.of(p.orderId())));

        Show show = newShow(1, 2);
        String owner = fan();
        String holdId = hold(owner, show, show.seatIds().subList(0, 1)).then().statusCode(201).extract().path("holdId");
        String thief = fan();
        order(thief, show, holdId, "tok_approve").then().statusCode(404); // the thief is admitted, but the hold is not theirs
        as(tokenOf(thief)).header("X-Admission-Token", AdmissionTestResource.token(owner, show.performanceId()))
                .body(Map.of("holdId", holdId, "paymentToken", "tok_approve")).post("/api/orders").then().statusCode(403);
        order(owner, show, UUID.randomUUID().toString(), "tok_approve").then().statusCode(404);
        order(owner, show, holdId, "").then().statusCode(400).body("violations[0].field", equalTo("paymentToken"));
    }

    @Test
    void theOutboxIsWrittenInTheSameTransaction() throws Exception {
        Placed p = placeOrder("tok_approve");
        await().atMost(Duration.ofSeconds(10)).until(() -> publishedOrderPlaced(p.orderId()) == 1);
    }

    int publishedOrderPlaced(String orderId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select count(*) from outbox_event where event_key = ? and event_type = 'OrderPlaced' and published_at is not null")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
