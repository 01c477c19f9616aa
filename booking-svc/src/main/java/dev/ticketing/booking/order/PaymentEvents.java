package dev.ticketing.booking.order;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.booking.messaging.UnprocessableEvent;
import dev.ticketing.booking.messaging.WaitingForDependency;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Applies payment results from {@code payment-events}. The event id is recorded in the same transaction as the
 * effect, so a redelivered event changes nothing.
 */
@ApplicationScoped
public class PaymentEvents {

    static final String CHANNEL = "payment-events";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PaymentEvent(String eventId, String type, String orderId, String paymentId, Long amount,
                               String providerReference, String reason) {
    }

    private final AgroalDataSource db;
    private final OrderService orders;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public PaymentEvents(AgroalDataSource db, OrderService orders, ObjectMapper json, MeterRegistry metrics) {
        this.db = db;
        this.orders = orders;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * PostgreSQL down (a failover, a restart, an exhausted pool) is a reason to wait, never to stop: the transaction
     * rolled back, so the same record is tried again, backing off from 100 ms to 5 s, for as long as it takes.
     * Blocking consumption is ordered, so later payment results of the partition wait behind it. A record that can
     * never be applied (not JSON, no type, no valid eventId/orderId) goes to the dead-letter topic instead.
     */
    @Incoming(CHANNEL)
    @Blocking
    @Retry(maxRetries = -1, maxDuration = 0, delay = 100, jitter = 50, abortOn = UnprocessableEvent.class)
    @ExponentialBackoff(maxDelay = 5, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(WaitingForDependency.class)
    public void onPaymentEvent(String raw) {
        PaymentEvent e;
        try {
            e = json.readValue(raw, PaymentEvent.class);
            UUID.fromString(e.eventId());
            UUID.fromString(e.orderId());
        } catch (Exception unreadable) {
            throw unprocessable("unreadable: " + unreadable.getMessage());
        }
        if (e.type() == null || e.type().isBlank()) {
            throw unprocessable("event " + e.eventId() + " has no type");
        }
        apply(e);
    }

    private UnprocessableEvent unprocessable(String why) {
        Log.warnf("payment event to the dead-letter topic: %s", why);
        metrics.counter("ticketing.events.dead.lettered", "channel", CHANNEL).increment();
        return new UnprocessableEvent(why);
    }

    @Transactional
    void apply(PaymentEvent e) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into processed_event (event_id) values (?) on conflict do nothing")) {
                ps.setObject(1, UUID.fromString(e.eventId()));
                if (ps.executeUpdate() == 0) {
                    return; // seen before
                }
            }
            UUID orderId = UUID.fromString(e.orderId());
            switch (e.type()) {
                case "PaymentApproved" -> orders.approved(c, orderId, e.paymentId(), e.providerReference());
                case "PaymentFailed" -> orders.failed(c, orderId, e.paymentId(), e.reason());
                case "PaymentRefunded" -> orders.refunded(c, orderId);
                default -> Log.debugf("ignoring payment event type %s", e.type());
            }
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
