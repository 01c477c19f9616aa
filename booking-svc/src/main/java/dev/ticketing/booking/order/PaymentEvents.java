package dev.ticketing.booking.order;

import dev.ticketing.booking.tracing.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.booking.messaging.DeadLetters;
import dev.ticketing.booking.messaging.WaitingForDependency;
import dev.ticketing.booking.outbox.Pipeline;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies payment results from {@code payment-events}, a whole poll at a time in one transaction (one commit per
 * poll instead of per record: at on-sale rate the commit is what costs), set-based where it can: a poll of approvals
 * costs a few statements, not five per order. The event id is
 * recorded in the same transaction as the effect, so a redelivered event changes nothing.
 */
@ApplicationScoped
public class PaymentEvents {

    static final String CHANNEL = "payment-events";

    /** Read by our ObjectMapper, outside any endpoint signature: registered for reflection (native images). */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PaymentEvent(String eventId, String type, String orderId, String paymentId, Long amount,
                               String providerReference, String reason, String occurredAt) {
        /** When payment-svc recorded the result; null when absent or unreadable (only a timer needs it). */
        OffsetDateTime occurred() {
            try {
                return occurredAt == null ? null : OffsetDateTime.parse(occurredAt);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    private record Unprocessable(ConsumerRecord<String, String> record, String reason) {
    }

    private record Confirmed(OffsetDateTime orderCreatedAt, OffsetDateTime approvedAt) {
    }

    private final AgroalDataSource db;
    private final OrderService orders;
    private final ObjectMapper json;
    private final DeadLetters deadLetters;
    private final Pipeline pipeline;

    public PaymentEvents(AgroalDataSource db, OrderService orders, ObjectMapper json, DeadLetters deadLetters,
                         Pipeline pipeline) {
        this.db = db;
        this.orders = orders;
        this.json = json;
        this.deadLetters = deadLetters;
        this.pipeline = pipeline;
    }

    /**
     * PostgreSQL down (a failover, a restart, an exhausted pool) is a reason to wait, never to stop: the batch's
     * transaction rolled back, so the same batch is tried again, backing off from 100 ms to 5 s, for as long as it
     * takes; later results of the partition wait behind it. A record that can never be applied (not JSON, no type,
     * no valid eventId/orderId) goes to the dead-letter topic once the batch has committed, before it is acknowledged.
     */
    @Incoming(CHANNEL)
    @Blocking
    @Retry(maxRetries = -1, maxDuration = 0, delay = 100, jitter = 50)
    @ExponentialBackoff(maxDelay = 5, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(WaitingForDependency.class)
    public void onPaymentEvents(ConsumerRecords<String, String> records) {
        List<Unprocessable> dead = new ArrayList<>();
        List<Confirmed> confirmed = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            confirmed.clear();
            try (Connection c = db.getConnection()) {
                apply(c, records, dead, confirmed);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Instant committed = Instant.now();
        for (Confirmed c : confirmed) {
            pipeline.record(Pipeline.ORDER_TO_CONFIRMED, Duration.between(c.orderCreatedAt().toInstant(), committed));
            if (c.approvedAt() != null) {
                pipeline.record(Pipeline.CONFIRMED, Duration.between(c.approvedAt().toInstant(), committed));
            }
        }
        dead.forEach(d -> deadLetters.send(CHANNEL, d.record(), d.reason()));
    }

    /** A readable record of the poll. */
    private record Parsed(ConsumerRecord<String, String> record, PaymentEvent event, UUID eventId, UUID orderId) {
    }

    /**
     * A poll in a handful of statements: the event ids recorded at once (the new ones come back), the approvals of
     * orders with no other new event in the poll confirmed together ({@link OrderService#approvedAll}), and the
     * rest — failures, refunds, several results for one order, approvals of orders no longer PENDING — one by one
     * in partition order. Different orders never touch the same rows, so only one order's own results need order.
     */
    private void apply(Connection c, ConsumerRecords<String, String> records, List<Unprocessable> dead,
                       List<Confirmed> confirmed) throws SQLException {
        dead.clear();
        List<Parsed> parsed = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                PaymentEvent e = json.readValue(record.value() == null ? "" : record.value(), PaymentEvent.class);
                UUID eventId = UUID.fromString(e.eventId());
                UUID orderId = UUID.fromString(e.orderId());
                if (e.type() == null || e.type().isBlank()) {
                    dead.add(new Unprocessable(record, "event " + e.eventId() + " has no type"));
                } else {
                    parsed.add(new Parsed(record, e, eventId, orderId));
                }
            } catch (Exception unreadable) {
                dead.add(new Unprocessable(record, "unreadable: " + unreadable.getMessage()));
            }
        }
        Set<UUID> fresh = recordProcessed(c, parsed);
        List<Parsed> todo = new ArrayList<>();
        for (Parsed p : parsed) {
            if (fresh.remove(p.eventId())) { // the first of a repeated id only; seen before: nothing to do
                todo.add(p);
            }
        }
        Map<UUID, Integer> resultsPerOrder = new HashMap<>();
        todo.forEach(p -> resultsPerOrder.merge(p.orderId(), 1, Integer::sum));
        List<OrderService.Approval> approvals = new ArrayList<>();
        Map<UUID, Parsed> approvalOf = new HashMap<>();
        for (Parsed p : todo) {
            if ("PaymentApproved".equals(p.event().type()) && resultsPerOrder.get(p.orderId()) == 1) {
                // The order's trace continues: the BookingCompleted it causes carries a span of ours in it.
                String traceparent;
                try (Scope span = TraceContext.continueFrom(TraceContext.of(p.record().headers()),
                        "payment-events receive", SpanKind.CONSUMER)) {
                    traceparent = TraceContext.current();
                }
                approvals.add(new OrderService.Approval(p.orderId(), p.event().paymentId(),
                        p.event().providerReference(), traceparent));
                approvalOf.put(p.orderId(), p);
            }
        }
        Map<UUID, OffsetDateTime> done = orders.approvedAll(c, approvals);
        done.forEach((orderId, createdAt) -> confirmed.add(new Confirmed(createdAt, approvalOf.get(orderId).event().occurred())));
        for (Parsed p : todo) {
            if (approvalOf.containsKey(p.orderId()) && done.containsKey(p.orderId())) {
                continue;
            }
            try (Scope span = TraceContext.continueFrom(TraceContext.of(p.record().headers()),
                    "payment-events receive", SpanKind.CONSUMER)) {
                applyOne(c, p.event(), p.orderId(), confirmed);
            }
        }
    }

    /** Records the poll's event ids in one statement; returns those not seen before. */
    private static Set<UUID> recordProcessed(Connection c, List<Parsed> parsed) throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        if (parsed.isEmpty()) {
            return fresh;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into processed_event (event_id) select unnest(?::uuid[]) on conflict do nothing returning event_id")) {
            ps.setArray(1, c.createArrayOf("uuid", parsed.stream().map(Parsed::eventId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return fresh;
    }

    /** Applies one new result inside the poll's transaction. */
    private void applyOne(Connection c, PaymentEvent e, UUID orderId, List<Confirmed> confirmed) throws SQLException {
        switch (e.type()) {
            case "PaymentApproved" -> orders.approved(c, orderId, e.paymentId(), e.providerReference())
                    .ifPresent(createdAt -> confirmed.add(new Confirmed(createdAt, e.occurred())));
            case "PaymentFailed" -> orders.failed(c, orderId, e.paymentId(), e.reason());
            case "PaymentRefunded" -> orders.refunded(c, orderId);
            default -> Log.debugf("ignoring payment event type %s", e.type());
        }
    }
}
