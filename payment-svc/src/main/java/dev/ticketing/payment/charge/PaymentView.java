package dev.ticketing.payment.charge;

import java.time.Instant;

/** {@code GET /api/payments/{orderId}}: the public contract's fields first, then details for the UI. */
public record PaymentView(String orderId, PaymentStatus status, long amount, String providerReference,
                          String paymentId, String currency, String failureCode, String failureMessage,
                          Instant createdAt, Instant updatedAt) {

    static PaymentView of(Payment p) {
        return new PaymentView(p.orderId, p.status, p.amount, p.providerReference, p.id.toString(), p.currency,
                p.failureCode, p.failureMessage, p.createdAt, p.updatedAt);
    }
}
