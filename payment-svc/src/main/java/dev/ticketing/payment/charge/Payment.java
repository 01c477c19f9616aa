package dev.ticketing.payment.charge;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One payment per order. State changes go through {@link PaymentStore}'s conditional updates, never setters. */
@Entity
@Table(name = "payment")
public class Payment extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "order_id")
    public String orderId;

    @Column(name = "user_id")
    public String userId;

    public long amount;

    public String currency;

    @Column(name = "payment_token")
    public String paymentToken;

    @Enumerated(EnumType.STRING)
    public PaymentStatus status;

    @Column(name = "provider_reference")
    public String providerReference;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_message")
    public String failureMessage;

    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    @Column(name = "cancel_reason")
    public String cancelReason;

    /** The last confirm that got no answer: it may still be captured until the settle window has passed. */
    @Column(name = "confirm_unanswered_at")
    public Instant confirmUnansweredAt;

    @Column(name = "reconciled_at")
    public Instant reconciledAt;

    /** What the reconciliation found for a FAILED payment: REFUNDED_LATE_CAPTURE, NOTHING_CAPTURED, ... */
    public String reconciliation;

    /** The trace of the order that created the payment (W3C traceparent), continued by the worker. */
    public String traceparent;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<Payment> findByOrderId(String orderId) {
        return find("orderId", orderId).firstResultOptional();
    }
}
