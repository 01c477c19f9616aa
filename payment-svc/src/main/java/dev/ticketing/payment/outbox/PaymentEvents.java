package dev.ticketing.payment.outbox;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The events payment-svc publishes on {@code payment-events}, keyed by order id. Amounts are KRW integers. */
@RegisterForReflection(targets = {PaymentEvents.PaymentApproved.class, PaymentEvents.PaymentFailed.class,
        PaymentEvents.PaymentRefunded.class}) // serialized by Jackson into the outbox, also in a native image
public final class PaymentEvents {
    public static final String TOPIC = "payment-events";
    static final int SCHEMA_VERSION = 1;

    private PaymentEvents() {
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    public record PaymentApproved(UUID eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                  String orderId, String paymentId, long amount, String providerReference)
            implements PaymentEvent {
        public static PaymentApproved of(String orderId, UUID paymentId, long amount, String providerReference) {
            return new PaymentApproved(UUID.randomUUID(), "PaymentApproved", SCHEMA_VERSION, now(), orderId,
                    paymentId.toString(), amount, providerReference);
        }
    }

    /** {@code paymentId} is null when the order event was unusable and no payment was ever created. */
    public record PaymentFailed(UUID eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                String orderId, String paymentId, String reason) implements PaymentEvent {
        public static PaymentFailed of(String orderId, UUID paymentId, String reason) {
            return new PaymentFailed(UUID.randomUUID(), "PaymentFailed", SCHEMA_VERSION, now(), orderId,
                    paymentId == null ? null : paymentId.toString(), reason);
        }
    }

    public record PaymentRefunded(UUID eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                  String orderId, String paymentId, long amount, String providerReference)
            implements PaymentEvent {
        public static PaymentRefunded of(String orderId, UUID paymentId, long amount, String providerReference) {
            return new PaymentRefunded(UUID.randomUUID(), "PaymentRefunded", SCHEMA_VERSION, now(), orderId,
                    paymentId.toString(), amount, providerReference);
        }
    }
}
