package dev.ticketing.payment.charge;

import dev.ticketing.payment.tracing.TraceContext;
import dev.ticketing.payment.outbox.Outbox;
import dev.ticketing.payment.outbox.PaymentEvents.PaymentApproved;
import dev.ticketing.payment.outbox.PaymentEvents.PaymentFailed;
import dev.ticketing.payment.outbox.PaymentEvents.PaymentRefunded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.ticketing.payment.charge.PaymentStatus.APPROVED;
import static dev.ticketing.payment.charge.PaymentStatus.FAILED;
import static dev.ticketing.payment.charge.PaymentStatus.PENDING;
import static dev.ticketing.payment.charge.PaymentStatus.PROCESSING;
import static dev.ticketing.payment.charge.PaymentStatus.REFUNDED;
import static dev.ticketing.payment.charge.PaymentStatus.REFUNDING;
import static dev.ticketing.payment.charge.PaymentStatus.REFUND_FAILED;

/**
 * Every state change of a payment, each one transaction. Transitions are conditional updates ("… where status =
 * expected"): when two workers race, exactly one update matches and the other changes nothing, so no decision is
 * ever taken on a stale read. Events are written to the outbox in the same transaction as the change they report.
 */
@ApplicationScoped
public class PaymentStore {

    private final EntityManager em;
    private final Outbox outbox;

    public PaymentStore(EntityManager em, Outbox outbox) {
        this.em = em;
        this.outbox = outbox;
    }

    /** The new order to charge; {@code paymentToken} is what the buyer's checkout handed over. */
    public record NewPayment(String orderId, String userId, long amount, String currency, String paymentToken) {
    }

    /**
     * Records an OrderPlaced. Returns the new payment's id, or empty when this event (same event id) or this order
     * (another event id) was seen before — the unique order_id makes the duplicate a no-op, not a second charge.
     * The caller hands the id to a worker; the recovery sweep only takes it after {@code handoffGrace}, in case
     * that handoff was lost with a crash.
     */
    @Transactional
    public Optional<UUID> register(UUID eventId, NewPayment order, Duration handoffGrace) {
        if (!markProcessed(eventId)) {
            return Optional.empty();
        }
        UUID id = UUID.randomUUID();
        int inserted = em.createNativeQuery("""
                        insert into payment (id, order_id, user_id, amount, currency, payment_token, status,
                                             next_attempt_at, traceparent)
                        values (cast(:id as uuid), :orderId, :userId, :amount, :currency, :token, 'PENDING',
                                now() + make_interval(secs => :grace), :traceparent)
                        on conflict (order_id) do nothing""")
                .setParameter("grace", (double) handoffGrace.toMillis() / 1000)
                .setParameter("id", id.toString())
                .setParameter("orderId", order.orderId())
                .setParameter("userId", order.userId())
                .setParameter("amount", order.amount())
                .setParameter("currency", order.currency())
                .setParameter("token", order.paymentToken())
                .setParameter("traceparent", TraceContext.current())
                .executeUpdate();
        return inserted == 1 ? Optional.of(id) : Optional.empty();
    }

    /** An OrderPlaced that cannot be charged (bad amount, no token…): tell booking right away, charge nothing. */
    @Transactional
    public void rejectOrder(UUID eventId, String orderId, String reason) {
        if (markProcessed(eventId) && orderId != null) {
            outbox.append(PaymentFailed.of(orderId, null, reason));
        }
    }

    /**
     * Records an OrderCancelled: the payment must end refunded. Returns the payment id when a refund can start now
     * (it was APPROVED); a payment still in flight is refunded as soon as it is approved.
     */
    @Transactional
    public Optional<UUID> requestCancel(UUID eventId, String orderId, String reason) {
        if (!markProcessed(eventId)) {
            return Optional.empty();
        }
        em.createQuery("update Payment p set p.cancelRequested = true, p.cancelReason = :reason, "
                        + "p.updatedAt = :now where p.orderId = :orderId")
                .setParameter("reason", reason).setParameter("now", Instant.now()).setParameter("orderId", orderId)
                .executeUpdate();
        int started = em.createQuery("update Payment p set p.status = :refunding, p.attempts = 0, "
                        + "p.nextAttemptAt = :now, p.updatedAt = :now where p.orderId = :orderId and p.status = :approved")
                .setParameter("refunding", REFUNDING).setParameter("approved", APPROVED)
                .setParameter("now", Instant.now()).setParameter("orderId", orderId)
                .executeUpdate();
        return started == 1 ? Payment.findByOrderId(orderId).map(p -> p.id) : Optional.empty();
    }

    /**
     * Takes a payment for one attempt: PENDING (never started, so nobody holds it) at once, PROCESSING/REFUNDING
     * once due. PENDING becomes PROCESSING, the attempt is counted and the row is leased to the caller until
     * {@code now + lease}. Empty when someone else holds it or it is not due.
     */
    @Transactional
    public Optional<Payment> claim(UUID id, Duration lease) {
        Instant now = Instant.now();
        int claimed = em.createQuery("update Payment p set "
                        + "p.status = case when p.status = :pending then :processing else p.status end, "
                        + "p.attempts = p.attempts + 1, p.nextAttemptAt = :leaseEnd, p.updatedAt = :now "
                        + "where p.id = :id and (p.status = :pending "
                        + "or (p.status in (:processing, :refunding) and p.nextAttemptAt <= :now))")
                .setParameter("pending", PENDING).setParameter("processing", PROCESSING)
                .setParameter("refunding", REFUNDING).setParameter("leaseEnd", now.plus(lease))
                .setParameter("now", now).setParameter("id", id)
                .executeUpdate();
        return claimed == 1 ? Optional.of(em.find(Payment.class, id)) : Optional.empty();
    }

    /** PROCESSING → APPROVED (or straight to REFUNDING when the order was cancelled meanwhile). True ⇒ refund now. */
    @Transactional
    public boolean approve(UUID id, String providerReference) {
        Instant now = Instant.now();
        int n = em.createQuery("update Payment p set "
                        + "p.status = case when p.cancelRequested = true then :refunding else :approved end, "
                        + "p.attempts = 0, p.providerReference = :ref, p.nextAttemptAt = :now, p.updatedAt = :now "
                        + "where p.id = :id and p.status = :processing")
                .setParameter("refunding", REFUNDING).setParameter("approved", APPROVED)
                .setParameter("processing", PROCESSING).setParameter("ref", providerReference)
                .setParameter("now", now).setParameter("id", id)
                .executeUpdate();
        if (n == 0) {
            return false;
        }
        Payment p = em.find(Payment.class, id);
        outbox.append(PaymentApproved.of(p.orderId, p.id, p.amount, providerReference));
        return p.status == REFUNDING;
    }

    /** PROCESSING → FAILED. */
    @Transactional
    public void fail(UUID id, String code, String message) {
        int n = em.createQuery("update Payment p set p.status = :failed, p.failureCode = :code, "
                        + "p.failureMessage = :message, p.updatedAt = :now where p.id = :id and p.status = :processing")
                .setParameter("failed", FAILED).setParameter("processing", PROCESSING)
                .setParameter("code", code).setParameter("message", message)
                .setParameter("now", Instant.now()).setParameter("id", id)
                .executeUpdate();
        if (n == 1) {
            Payment p = em.find(Payment.class, id);
            outbox.append(PaymentFailed.of(p.orderId, p.id, message == null ? code : code + ": " + message));
        }
    }

    /** REFUNDING → REFUNDED. */
    @Transactional
    public void refunded(UUID id) {
        int n = em.createQuery("update Payment p set p.status = :refunded, p.updatedAt = :now "
                        + "where p.id = :id and p.status = :refunding")
                .setParameter("refunded", REFUNDED).setParameter("refunding", REFUNDING)
                .setParameter("now", Instant.now()).setParameter("id", id)
                .executeUpdate();
        if (n == 1) {
            Payment p = em.find(Payment.class, id);
            outbox.append(PaymentRefunded.of(p.orderId, p.id, p.amount, p.providerReference));
        }
    }

    /** REFUNDING → REFUND_FAILED: the provider refused the cancel; money stays captured until an operator acts. */
    @Transactional
    public void refundFailed(UUID id, String code, String message) {
        em.createQuery("update Payment p set p.status = :failed, p.failureCode = :code, p.failureMessage = :message, "
                        + "p.updatedAt = :now where p.id = :id and p.status = :refunding")
                .setParameter("failed", REFUND_FAILED).setParameter("refunding", REFUNDING)
                .setParameter("code", code).setParameter("message", message)
                .setParameter("now", Instant.now()).setParameter("id", id)
                .executeUpdate();
    }

    /** The outcome is not known yet: release the lease early so the next attempt comes after {@code delay}. */
    @Transactional
    public void retryLater(UUID id, Duration delay) {
        em.createQuery("update Payment p set p.nextAttemptAt = :at, p.updatedAt = :now "
                        + "where p.id = :id and p.status in (:processing, :refunding)")
                .setParameter("at", Instant.now().plus(delay)).setParameter("now", Instant.now())
                .setParameter("processing", PROCESSING).setParameter("refunding", REFUNDING)
                .setParameter("id", id)
                .executeUpdate();
    }

    /** The confirm just sent got no answer: it may still be captured (see confirmSettleWindow). */
    @Transactional
    public Instant confirmUnanswered(UUID id) {
        Instant now = Instant.now();
        em.createQuery("update Payment p set p.confirmUnansweredAt = :now, p.updatedAt = :now where p.id = :id")
                .setParameter("now", now).setParameter("id", id)
                .executeUpdate();
        return now;
    }

    /** FAILED payments after an unanswered confirm, not reconciled yet, failed within {@code lookback}. */
    @Transactional
    public List<Payment> toReconcile(Duration lookback, int limit) {
        return em.createQuery("select p from Payment p where p.status = :failed and p.confirmUnansweredAt is not null "
                        + "and p.reconciledAt is null and p.updatedAt > :since order by p.updatedAt", Payment.class)
                .setParameter("failed", FAILED).setParameter("since", Instant.now().minus(lookback))
                .setMaxResults(limit)
                .getResultList();
    }

    /** Records what the reconciliation found (once: a second reconciler finds it done). */
    @Transactional
    public boolean reconciled(UUID id, String outcome, String providerReference) {
        return em.createQuery("update Payment p set p.reconciledAt = :now, p.reconciliation = :outcome, "
                        + "p.providerReference = coalesce(:ref, p.providerReference), p.updatedAt = :now "
                        + "where p.id = :id and p.status = :failed and p.reconciledAt is null")
                .setParameter("now", Instant.now()).setParameter("outcome", outcome).setParameter("ref", providerReference)
                .setParameter("failed", FAILED).setParameter("id", id)
                .executeUpdate() == 1;
    }

    /** Payments whose next attempt is due: never started, interrupted (lease over) or waiting for an answer. */
    @Transactional
    public List<UUID> due(int limit) {
        return em.createQuery("select p.id from Payment p where p.status in (:pending, :processing, :refunding) "
                        + "and p.nextAttemptAt <= :now order by p.nextAttemptAt", UUID.class)
                .setParameter("pending", PENDING).setParameter("processing", PROCESSING)
                .setParameter("refunding", REFUNDING).setParameter("now", Instant.now())
                .setMaxResults(limit)
                .getResultList();
    }

    /** False when this event id was processed before (consumers are idempotent by event id). */
    private boolean markProcessed(UUID eventId) {
        return em.createNativeQuery("insert into processed_event (event_id) values (cast(:id as uuid)) "
                        + "on conflict do nothing")
                .setParameter("id", eventId.toString())
                .executeUpdate() == 1;
    }
}
