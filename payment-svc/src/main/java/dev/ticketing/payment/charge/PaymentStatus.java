package dev.ticketing.payment.charge;

/**
 * PENDING (recorded, provider not called yet) → PROCESSING (a worker talks to the provider) → APPROVED | FAILED;
 * APPROVED → REFUNDING (order cancelled) → REFUNDED | REFUND_FAILED (the provider refused: needs an operator).
 */
public enum PaymentStatus {
    PENDING, PROCESSING, APPROVED, FAILED, REFUNDING, REFUNDED, REFUND_FAILED
}
