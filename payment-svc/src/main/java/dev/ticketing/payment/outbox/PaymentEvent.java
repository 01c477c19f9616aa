package dev.ticketing.payment.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/** The envelope every event on {@code payment-events} carries (docs/architecture.md, Events). */
public interface PaymentEvent {
    UUID eventId();

    String type();

    int schemaVersion();

    OffsetDateTime occurredAt();

    String orderId();
}
