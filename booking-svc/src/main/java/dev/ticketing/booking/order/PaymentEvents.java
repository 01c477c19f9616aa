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
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Applies payment results from {@code payment-events}, a whole poll at a time in one transaction (one commit per
 * poll instead of per record: at on-sale rate the commit is what costs), in partition order. The event id is
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
            try (Connection c = db.getConnection()) {
                for (ConsumerRecord<String, String> record : records) {
                    String why;
                    // The order's trace continues: the events this payment result causes carry its context.
                    try (Scope span = TraceContext.continueFrom(TraceContext.of(record.headers()),
                            "payment-events receive", SpanKind.CONSUMER)) {
                        why = apply(c, record.value(), confirmed);
                    }
                    if (why != null) {
                        dead.add(new Unprocessable(record, why));
                    }
                }
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

    /** Applies one record inside the batch's transaction; returns why it can never be applied, or null. */
    private String apply(Connection c, String raw, List<Confirmed> confirmed) throws SQLException {
        PaymentEvent e;
        UUID eventId;
        UUID orderId;
        try {
            e = json.readValue(raw == null ? "" : raw, PaymentEvent.class);
            eventId = UUID.fromString(e.eventId());
            orderId = UUID.fromString(e.orderId());
        } catch (Exception unreadable) {
            return "unreadable: " + unreadable.getMessage();
        }
        if (e.type() == null || e.type().isBlank()) {
            return "event " + e.eventId() + " has no type";
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into processed_event (event_id) values (?) on conflict do nothing")) {
            ps.setObject(1, eventId);
            if (ps.executeUpdate() == 0) {
                return null; // seen before
            }
        }
        switch (e.type()) {
            case "PaymentApproved" -> orders.approved(c, orderId, e.paymentId(), e.providerReference())
                    .ifPresent(createdAt -> confirmed.add(new Confirmed(createdAt, e.occurred())));
            case "PaymentFailed" -> orders.failed(c, orderId, e.paymentId(), e.reason());
            case "PaymentRefunded" -> orders.refunded(c, orderId);
            default -> Log.debugf("ignoring payment event type %s", e.type());
        }
        return null;
    }
}
