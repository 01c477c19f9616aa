package dev.ticketing.booking.order;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
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

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PaymentEvent(String eventId, String type, String orderId, String paymentId, Long amount,
                               String providerReference, String reason) {
    }

    private final AgroalDataSource db;
    private final OrderService orders;
    private final ObjectMapper json;

    public PaymentEvents(AgroalDataSource db, OrderService orders, ObjectMapper json) {
        this.db = db;
        this.orders = orders;
        this.json = json;
    }

    @Incoming("payment-events")
    @Blocking
    @Retry(maxRetries = 10, delay = 500, jitter = 200, delayUnit = ChronoUnit.MILLIS)
    public void onPaymentEvent(String raw) {
        PaymentEvent e;
        try {
            e = json.readValue(raw, PaymentEvent.class);
            UUID.fromString(e.eventId());
            UUID.fromString(e.orderId());
        } catch (Exception unreadable) {
            Log.warnf("ignoring unreadable payment event: %s", raw);
            return; // a poison message must not stop the partition
        }
        apply(e);
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
